"""A results document as a markdown page: the machine it ran on, how busy it was, every
suite's table and the targets."""

from __future__ import annotations

from ganzoo.bench import formatting as fmt
from ganzoo.bench.tables import as_markdown, suite_tables

#: a 1-minute load average above this share of the usable cores marks the timings as noisy
BUSY_SHARE = 0.5


def machine_line(doc: dict) -> str:
    """One sentence naming the hardware and software a result was measured on."""
    m = doc["machine"]
    gpu = f"{m['gpu']} (driver {m.get('gpu_driver') or 'unknown'}, CUDA {m.get('cuda')})" if m.get("gpu") else "no GPU"
    return (f"{m['cpu_model']}, {m['usable_cores']} usable cores of {m['cpu_cores']}, {gpu}; "
            f"torch {m['torch']} ({m['torch_threads']} threads), Python {m['python']}, "
            f"ganzoo {m['ganzoo']} at {m.get('git_commit') or 'an unknown commit'}")


def load_line(doc: dict) -> str:
    start, end = doc.get("load_average_start"), doc.get("load_average_end")
    if not start:
        return "Load average: unknown."
    text = f"Load average (1, 5, 15 min) at start {', '.join(map(str, start))}"
    if end:
        text += f"; at end {', '.join(map(str, end))}"
    if is_busy(doc):
        text += (f". The machine was busy ({start[0]} on {doc['machine']['usable_cores']} cores): "
                 "these timings are noisy and not fit to publish")
    return text + "."


def is_busy(doc: dict) -> bool:
    """Whether other work was running: judged by the load at the start only, since the run's
    own threads raise the load seen at its end (two threads on two cores end near 2)."""
    start, cores = doc.get("load_average_start"), doc["machine"].get("usable_cores") or 1
    return bool(start) and start[0] > BUSY_SHARE * cores


def results_markdown(doc: dict, plot: str | None = None) -> str:
    """The full page for one results file; ``plot`` is the loss plot's relative path."""
    mode = "quick" if doc.get("quick") else "full"
    suites = ", ".join(f"{name} ({fmt.seconds(s.get('seconds'))})" for name, s in doc["suites"].items())
    out = [
        f"# ganzoo benchmarks: {doc['device']}, {doc['created'][:10]}",
        "",
        f"Measured by `ganzoo bench` ({mode} mode) on {machine_line(doc)}.",
        "",
        load_line(doc),
        "",
        f"Suites: {suites}.",
    ]
    for table in suite_tables(doc):
        out += ["", as_markdown(table)]
    if plot:
        out += ["", f"![loss suite: time against size]({plot})"]
    return "\n".join(out) + "\n"
