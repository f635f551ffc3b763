"""ganzoo.bench.dist: the data-parallel suite's jobs, table and target (no job is run here)."""

import sys

from ganzoo.bench import dist, runner, tables, targets


def _doc(speed_up):
    rows = [{"workload": "w", "contender": "1 process", "processes": 1, "threads_per_process": 1,
             "images_per_s": 1000.0, "vs_one": 1.0, "samples": [1000.0]},
            {"workload": "w", "contender": "2 processes", "processes": 2, "threads_per_process": 1,
             "images_per_s": 1000.0 * speed_up, "vs_one": speed_up, "samples": [1000.0 * speed_up]}]
    return {"suites": {"dist": {"rows": rows, "rounds": 3, "steps": 150, "warmup": 20}}}


def test_two_processes_at_the_goal_meet_the_target():
    assert [c["met"] for c in targets.check(_doc(1.6))] == [True]


def test_two_processes_below_the_goal_do_not():
    assert [c["met"] for c in targets.check(_doc(1.5))] == [False]


def test_table_shows_the_speed_up_over_one_process():
    table = tables.dist_table(_doc(1.8)["suites"]["dist"])
    assert [row[3] for row in table.rows] == ["1.00×", "1.80×"]
    assert "dist: data-parallel" in tables.suite_tables(_doc(1.8))[0].title


def test_two_processes_run_under_torchrun_and_one_alone():
    assert dist._command(1, {})[:3] == [sys.executable, "-m", "ganzoo.bench.dist"]
    assert dist._command(2, {})[1:5] == ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    assert "dist" in runner.SUITES
