"""ganzoo.bench.threads: the thread-setting suite's worker, table and target."""

import json

from ganzoo.bench import tables, targets, threads


def _row(load, contender, of_best, **extra):
    return {"workload": "w", "load": load, "contender": contender, "steps_per_s": 100 * of_best,
            "of_best": of_best, "samples": [100 * of_best], **extra}


def _doc(default_quiet, default_busy):
    rows = [_row("quiet", "default", default_quiet, threads_chosen=1), _row("quiet", "threads=1", 1.0),
            _row("busy", "default", default_busy, threads_chosen=1), _row("busy", "threads=2 passive", 1.0)]
    return {"suites": {"threads": {"rows": rows, "seconds_per_sample": 4.0, "rounds": 3, "busy_processes": 2}}}


def test_default_near_the_best_under_both_loads_meets_the_target():
    checks = targets.check(_doc(0.95, 0.9))
    assert [c["met"] for c in checks] == [True, True]


def test_default_far_from_the_best_when_busy_is_not_met():
    checks = {c["what"]: c["met"] for c in targets.check(_doc(0.95, 0.5))}
    assert checks["default threads / best setting, w, busy"] is False


def test_table_shows_the_threads_the_default_chose():
    table = tables.threads_table(_doc(1.0, 1.0)["suites"]["threads"])
    assert table.rows[0][2] == "default (1)"


def test_worker_reports_steps_per_second_and_its_thread_count():
    result = threads.measure("vanilla-mlp", {"data": "ring8", "generator.hidden": [8], "discriminator.hidden": [8]},
                             1, {}, seconds=0.05)
    assert result["threads"] == 1 and result["steps_per_s"] > 0
    json.dumps(result)
