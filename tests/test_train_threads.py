"""The default thread count: the cores idle when a run starts, recorded for resume."""

import json

import pytest
import torch

from ganzoo.train import build, resume_run, start_run
from ganzoo.train.config import TrainConfig

TINY = {"data": "ring8", "generator.hidden": [8], "discriminator.hidden": [8], "batch_size": 8,
        "log_every": 1, "checkpoint_every": 2, "sample_every": 2}


@pytest.fixture(autouse=True)
def _keep_torch_threads():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def _stat_lines(*rows):
    """A fake /proc/stat reader yielding the given (busy, idle) jiffy pairs per call."""
    it = iter(rows)
    return lambda: (lambda busy, idle: [busy, 0, 0, idle, 0, 0, 0, 0])(*next(it))


def test_a_busy_machine_gets_one_thread(monkeypatch):
    monkeypatch.setattr(build.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(build, "_cpu_times", _stat_lines((0, 0), (190, 10)))  # 5 % idle over 2 cores
    assert build.idle_cores(0) == 1


def test_a_quiet_machine_gets_every_usable_core(monkeypatch):
    monkeypatch.setattr(build.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(build, "_cpu_times", _stat_lines((0, 0), (5, 195)))
    assert build.idle_cores(0) == 2


def test_one_of_two_cores_busy_gives_one_thread(monkeypatch):
    monkeypatch.setattr(build.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(build, "_cpu_times", _stat_lines((0, 0), (100, 100)))
    assert build.idle_cores(0) == 1


def test_a_pinned_count_is_kept():
    config = TrainConfig(threads=1)
    assert build.apply_threads(config) == 1 and torch.get_num_threads() == 1


def test_the_chosen_count_is_recorded_and_kept_on_resume(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "idle_cores", lambda interval=0.2: 1)
    start_run("vanilla-mlp", tmp_path / "run", {**TINY, "steps": 2}, progress=False).fit()
    record = json.loads((tmp_path / "run" / "config.json").read_text())
    assert record["config"]["threads"] == 1
    monkeypatch.setattr(build, "idle_cores", lambda interval=0.2: pytest.fail("resume must not choose again"))
    assert resume_run(tmp_path / "run", {"steps": 4}, progress=False).config.threads == 1
