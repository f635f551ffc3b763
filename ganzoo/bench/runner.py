"""Run the chosen suites and assemble one results document (what ``--json`` writes)."""

from __future__ import annotations

import time
from collections.abc import Callable

from ganzoo.bench import machine, summary

SUITES = ("loss", "train", "startup", "threads", "dist")
SCHEMA = 1


def _suite_module(name: str):
    import importlib

    return importlib.import_module(f"ganzoo.bench.{name}")


def run_suites(suites: list[str], *, device: str = "cpu", quick: bool = False,
               progress: Callable[[str, int, int, str], None] | None = None) -> dict:
    """Run ``suites`` in order and return the results document; ``progress(suite, done, total,
    what)`` is called before each step, and with ``done == total`` when the suite is over."""
    unknown = [s for s in suites if s not in SUITES]
    if unknown:
        raise ValueError(f"unknown suite(s) {unknown}; choose from {', '.join(SUITES)}")
    doc = {
        "schema": SCHEMA,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "device": device,
        "quick": quick,
        "load_average_start": machine.load_average(),
        "machine": machine.describe(device),
        "suites": {},
    }
    for name in suites:
        started = time.perf_counter()
        steps = [0]  # the suite's own count of steps, from its latest report

        def report(done, total, what, _n=name):
            steps[0] = total
            progress(_n, done, total, what)

        result = _suite_module(name).run(device=device, quick=quick, progress=report if progress else None)
        result["seconds"] = round(time.perf_counter() - started, 2)
        if progress:
            progress(name, steps[0], steps[0], f"done in {result['seconds']:.0f} s")
        doc["suites"][name] = finish(name, result)
    doc["load_average_end"] = machine.load_average()
    return doc


def finish(name: str, result: dict) -> dict:
    """Add the derived numbers (speed-ups, bandwidth, ratios) to a suite's raw rows."""
    if name == "loss":
        result["rows"] = summary.derive_loss(result["rows"], result["peak"]["gbps"])
    elif name == "train":
        result["rows"] = summary.derive_train(result["rows"])
    return result
