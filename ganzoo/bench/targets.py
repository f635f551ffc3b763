"""The issues' performance targets, checked against a results document.

Each check is {"suite", "what", "goal", "value", "met"}; ``met`` is None when the run did
not measure it (a suite not run, a backend not built, a size not in a quick run).
"""

from __future__ import annotations

from ganzoo.bench import formatting as fmt
from ganzoo.bench.loss import LAUNCH_COUNT_SIZE

#: the loss variant the kernel targets speak of
HEADLINE = {"op": "bce", "target": "tensor", "weighting": "none", "dtype": "float32"}
#: the fused op's kernel launches per forward+backward at LAUNCH_COUNT_SIZE elements, on CUDA
MAX_LAUNCHES = 2
#: bf16 against fp32 on CUDA, for image rows of this side (scripts/gpu_check.sh's train benchmark)
BF16_GOAL, BF16_SIDE = 1.5, 64
STARTUP_COMMANDS = ("ganzoo --help", "ganzoo list")


def _check(suite, what, goal, value, met, shown):
    return {"suite": suite, "what": what, "goal": goal, "value": shown if value is not None else "not measured",
            "met": met if value is not None else None}


def _loss_row(rows, impl, size):
    for row in rows:
        if row["impl"] == impl and row["size"] == size and all(row[k] == v for k, v in HEADLINE.items()):
            return row
    return None


def loss_checks(doc: dict) -> list[dict]:
    rows = doc["suites"]["loss"]["rows"]
    checks = []
    if doc.get("device") == "cuda":
        for n in (10**7, 10**8):
            row = _loss_row(rows, "ganzoo-cuda", n) or {}
            for key, goal, label in (("frac_peak", 0.85, "of copy bandwidth"), ("speedup_vs_eager", 4.0, "vs eager"),
                                     ("speedup_vs_compile", 1.3, "vs torch.compile")):
                value = row.get(key)
                shown = fmt.percent(value) if key == "frac_peak" else fmt.ratio(value)
                goal_text = f"≥ {fmt.percent(goal)}" if key == "frac_peak" else f"≥ {goal}×"
                checks.append(_check("loss", f"ganzoo-cuda {label}, n = {fmt.size(n)}", goal_text, value,
                                     value is not None and value >= goal, shown))
        launches = (_loss_row(rows, "ganzoo-cuda", LAUNCH_COUNT_SIZE) or {}).get("launches")
        checks.append(_check("loss", f"ganzoo-cuda kernel launches per call, n = {LAUNCH_COUNT_SIZE}",
                             f"≤ {MAX_LAUNCHES}", launches, launches is not None and launches <= MAX_LAUNCHES,
                             str(launches)))
        return checks
    for n, goal in ((64, 2.0), (2**20, 3.0), (2**24, 3.0)):
        value = (_loss_row(rows, "ganzoo-cpp", n) or {}).get("speedup_vs_eager")
        checks.append(_check("loss", f"ganzoo-cpp vs eager, n = {fmt.size(n)}", f"≥ {goal}×", value,
                             value is not None and value >= goal, fmt.ratio(value)))
    return checks


def train_checks(doc: dict) -> list[dict]:
    checks = []
    for row in doc["suites"]["train"]["rows"]:
        if row["impl"] == "ganzoo":
            value = row.get("vs_plain")
            checks.append(_check("train", f"trainer step / plain loop step, {row['data']}", "≤ 1.05", value,
                                 value is not None and value <= 1.05, fmt.ratio(value)))
    for row in doc["suites"]["train"].get("speed", []):
        if doc.get("device") == "cuda" and row["contender"] == "bf16" and row.get("image_side") == BF16_SIDE:
            value = row["vs_fp32"]
            checks.append(_check("train", f"bf16 / fp32 images/s, {row['model']} at {BF16_SIDE}×{BF16_SIDE}",
                                 f"≥ {BF16_GOAL}×", value, value >= BF16_GOAL, fmt.ratio(value)))
    return checks


def startup_checks(doc: dict) -> list[dict]:
    suite = doc["suites"]["startup"]
    limit = suite.get("target_s", 0.3)
    checks = []
    for row in suite["rows"]:
        if row["command"] in STARTUP_COMMANDS:
            value = row["median_s"]
            checks.append(_check("startup", row["command"], f"< {fmt.seconds(limit)}", value, value < limit,
                                 fmt.seconds(value)))
    return checks


#: the default thread setting must reach this fraction of the best setting, quiet and busy
THREADS_GOAL = 0.85


def threads_checks(doc: dict) -> list[dict]:
    checks = []
    for row in doc["suites"]["threads"]["rows"]:
        if row["contender"] == "default":
            value = row["of_best"]
            checks.append(_check("threads", f"default threads / best setting, {row['workload']}, {row['load']}",
                                 f"≥ {fmt.percent(THREADS_GOAL)}", value, value >= THREADS_GOAL, fmt.percent(value)))
    return checks


#: two gloo processes of one thread each against one process, in images per second
DIST_GOAL = 1.6


def dist_checks(doc: dict) -> list[dict]:
    checks = []
    for row in doc["suites"]["dist"]["rows"]:
        if row["processes"] == 2:
            value = row["vs_one"]
            checks.append(_check("dist", f"2 gloo processes / 1, images/s, {row['workload']}", f"≥ {DIST_GOAL}×",
                                 value, value >= DIST_GOAL, fmt.ratio(value)))
    return checks


def check(doc: dict) -> list[dict]:
    """Every target the document's suites speak to."""
    found = []
    for name, fn in (("loss", loss_checks), ("train", train_checks), ("startup", startup_checks),
                     ("threads", threads_checks), ("dist", dist_checks)):
        if name in doc.get("suites", {}):
            found += fn(doc)
    return found
