"""A results document as tables (title, header, rows of strings), rendered as aligned text
for the terminal or as markdown. The same tables feed both, so they never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from ganzoo.bench import formatting as fmt
from ganzoo.bench.cases import Variant


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


def _impl_order(impl: str) -> tuple:
    return ({"eager": 0, "compile": 1}.get(impl, 2), impl)


def loss_tables(suite: dict) -> list[Table]:
    """One table per loss variant: every implementation at every size."""
    peak = suite["peak"]
    note = (f"Speed-ups are the other's median time over this one's (above 1× is faster). GB/s counts the "
            f"minimum bytes (inputs read once, gradients written once); peak = {peak['gbps']:.1f} GB/s, "
            f"{peak['method']}. Below the cache sizes a fraction of peak can pass 100 %.")
    tables: dict[Variant, Table] = {}
    rows = sorted(suite["rows"], key=lambda r: (r["size"], _impl_order(r["impl"])))
    for row in rows:
        variant = Variant(row["op"], row["target"], row["weighting"], row["dtype"])
        table = tables.setdefault(variant, Table(f"loss: {variant.label}",
                                                 ["n", "implementation", "median", "vs eager", "vs compile",
                                                  "GB/s", "of peak"], note=note))
        table.rows.append([fmt.size(row["size"]), row["impl"], fmt.seconds(row["median_s"]),
                           fmt.ratio(row["speedup_vs_eager"]), fmt.ratio(row["speedup_vs_compile"]),
                           fmt.number(row["gbps"]), fmt.percent(row["frac_peak"])])
    return list(tables.values())


def train_table(suite: dict) -> Table:
    rows = suite["rows"]
    kind = rows[0].get("memory_kind", "") if rows else ""
    table = Table("train: per-step time, ganzoo's Trainer vs a hand-written PyTorch loop",
                  ["model", "data", "loop", "step (median)", "p25–p75", "vs plain", "peak memory", "memory vs plain",
                   "added by steps"],
                  note=f"Interleaved in one process; memory: {kind}, one fresh process per loop.")
    for row in rows:
        table.rows.append([row["model"], row["data"], row["impl"], fmt.seconds(row["median_s"]),
                           f"{fmt.seconds(row['p25_s'])} – {fmt.seconds(row['p75_s'])}", fmt.ratio(row["vs_plain"]),
                           fmt.megabytes(row.get("peak_memory_mb")), fmt.ratio(row.get("memory_vs_plain")),
                           fmt.megabytes(row.get("steps_memory_mb"))])
    return table


def train_speed_table(suite: dict) -> Table:
    table = Table("train: precision and compile against eager fp32, images per second",
                  ["model", "data", "contender", "step (median)", "p25–p75", "images/s", "vs fp32"],
                  note="Interleaved in one process, after warm-up steps (which include compiling).")
    for row in suite["speed"]:
        table.rows.append([row["model"], row["data"], row["contender"], fmt.seconds(row["median_s"]),
                           f"{fmt.seconds(row['p25_s'])} – {fmt.seconds(row['p75_s'])}",
                           fmt.number(row["images_per_s"]), fmt.ratio(row["vs_fp32"])])
    return table


def patch_loss_table(suite: dict) -> Table:
    table = Table("train: pix2pix's PatchGAN losses, the fused op against the PyTorch reference",
                  ["workload", "contender", "median", "p25–p75", "vs reference"],
                  note="D's real + fake BCE and G's BCE on 64 x 900 logits each (a batch of 64 at 256x256), "
                       "forward and backward, interleaved; the networks are left out.")
    for row in suite["patch_loss"]:
        table.rows.append([row["workload"], row["contender"], fmt.seconds(row["median_s"]),
                           f"{fmt.seconds(row['p25_s'])} – {fmt.seconds(row['p75_s'])}", fmt.ratio(row["vs_reference"])])
    return table


def startup_table(suite: dict) -> Table:
    table = Table("startup: wall time in fresh processes", ["command", "median", "p25–p75", "samples"],
                  note=f"Target for the CLI commands: under {fmt.seconds(suite.get('target_s', 0.3))}.")
    for row in suite["rows"]:
        table.rows.append([row["command"], fmt.seconds(row["median_s"]),
                           f"{fmt.seconds(row['p25_s'])} – {fmt.seconds(row['p75_s'])}", str(row["samples"])])
    return table


def threads_table(suite: dict) -> Table:
    table = Table("threads: training speed by thread setting, quiet and beside busy processes",
                  ["workload", "machine", "threads", "steps/s (median)", "of best", "samples"],
                  note=(f"One fresh process per sample, {suite.get('seconds_per_sample', 0)} s of steps each, "
                        f"contenders alternating over {suite.get('rounds', 0)} rounds; busy = "
                        f"{suite.get('busy_processes', 0)} other processes spinning on the CPU. "
                        "'default' is ganzoo's own choice (threads chosen in brackets)."))
    for row in suite["rows"]:
        label = row["contender"]
        if "threads_chosen" in row:
            label = f"{label} ({row['threads_chosen']})"
        table.rows.append([row["workload"], row["load"], label, fmt.number(row["steps_per_s"]),
                           fmt.percent(row["of_best"]), ", ".join(f"{s:g}" for s in row["samples"])])
    return table


def dist_table(suite: dict) -> Table:
    table = Table("dist: data-parallel training on the CPU, gloo processes of one thread each",
                  ["workload", "processes", "images/s (median)", "vs 1 process", "step", "in collectives", "samples"],
                  note=(f"One fresh job per sample (torchrun for two processes), {suite.get('steps', 0)} timed steps "
                        f"after {suite.get('warmup', 0)} warm-up steps, contenders alternating over "
                        f"{suite.get('rounds', 0)} rounds; batch_size is per process."))
    for row in suite["rows"]:
        step, comm = row.get("step_ms"), row.get("collective_ms")
        table.rows.append([row["workload"], str(row["processes"]), fmt.number(row["images_per_s"]),
                           fmt.ratio(row["vs_one"]), "–" if step is None else fmt.seconds(step / 1000),
                           "–" if comm is None else fmt.seconds(comm / 1000), ", ".join(f"{s:g}" for s in row["samples"])])
    return table


def targets_table(checks: list[dict]) -> Table:
    table = Table("targets", ["suite", "what", "goal", "measured", "met"])
    for c in checks:
        met = {True: "yes", False: "NO", None: "–"}[c["met"]]
        table.rows.append([c["suite"], c["what"], c["goal"], c["value"], met])
    return table


def suite_tables(doc: dict) -> list[Table]:
    """Every table of a document, suite by suite, then the targets."""
    from ganzoo.bench.targets import check

    suites, tables = doc.get("suites", {}), []
    if "loss" in suites:
        tables += loss_tables(suites["loss"])
    if "train" in suites:
        tables.append(train_table(suites["train"]))
        if suites["train"].get("speed"):
            tables.append(train_speed_table(suites["train"]))
        if suites["train"].get("patch_loss"):
            tables.append(patch_loss_table(suites["train"]))
    if "startup" in suites:
        tables.append(startup_table(suites["startup"]))
    if suites.get("threads", {}).get("rows"):
        tables.append(threads_table(suites["threads"]))
    if suites.get("dist", {}).get("rows"):
        tables.append(dist_table(suites["dist"]))
    checks = check(doc)
    if checks:
        tables.append(targets_table(checks))
    return tables


def _widths(table: Table) -> list[int]:
    return [max(len(cell) for cell in column) for column in zip(table.headers, *table.rows)]


def as_text(table: Table) -> str:
    """Aligned columns: text left, numbers right."""
    widths = _widths(table)
    numeric = [all(_looks_numeric(r[i]) for r in table.rows) if table.rows else False for i in range(len(widths))]

    def line(cells):
        return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric)).rstrip()

    out = [table.title, line(table.headers), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in table.rows]
    return "\n".join(out)


def _looks_numeric(cell: str) -> bool:
    return bool(cell) and (cell[0].isdigit() or cell == "–")


def as_markdown(table: Table, heading: str = "###") -> str:
    out = [f"{heading} {table.title}", ""]
    out.append("| " + " | ".join(table.headers) + " |")
    out.append("| " + " | ".join("---" for _ in table.headers) + " |")
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table.rows]
    if table.note:
        out += ["", table.note]
    return "\n".join(out)
