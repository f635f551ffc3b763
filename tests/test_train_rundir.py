"""The run directory: one process at a time, and no dead ends."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from ganzoo.cli import cli
from ganzoo.errors import GanzooWarning, RunDirError, RunInUseError
from ganzoo.train import checkpoint, resume_run, start_run
from ganzoo.train import loop as loop_module
from tests.conftest import tiny_args


@pytest.fixture
def fast(tiny):
    return {**tiny, "threads": 1}


def test_a_second_run_into_the_same_out_is_refused_while_the_first_holds_it(tmp_path, fast):
    out = tmp_path / "run"
    first = start_run("vanilla-mlp", out, {**fast, "steps": 10})
    result = CliRunner().invoke(cli, ["train", "vanilla-mlp", *tiny_args(10), "--seed", "7", "--out", str(out)])
    assert result.exit_code == 2 and "in use by another ganzoo process" in result.output, result.output
    assert first.fit() == "done"
    record = json.loads((out / "config.json").read_text())
    assert record["config"]["seed"] == first.config.seed


def test_the_lock_is_let_go_when_fit_returns(tmp_path, fast):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**fast, "steps": 10}).fit()
    assert resume_run(out, {"steps": 12}).fit() == "done"


def test_resume_is_refused_while_another_process_trains_and_allowed_after_kill_9(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ganzoo", "train", "vanilla-mlp", *tiny_args(10**6), "--set", "threads=1",
         "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while not (out / "checkpoints" / "latest").exists() and time.time() < deadline:
            time.sleep(0.05)
        with pytest.raises(RunInUseError, match=f"pid {proc.pid}"):
            resume_run(out, {"steps": 10**6})
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert resume_run(out, {"steps": 10**6}).step >= 10  # the kernel let go of the dead process's lock


def test_a_run_stopped_before_its_first_checkpoint_can_be_started_again_in_place(tmp_path, fast):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**fast, "steps": 10}).run.release()  # as if killed before step 10
    with pytest.raises(RunDirError, match="start it again with `ganzoo train`"):
        resume_run(out)
    with pytest.warns(GanzooWarning, match="stopped before its first checkpoint"):
        trainer = start_run("vanilla-mlp", out, {**fast, "steps": 10, "seed": 5})
    assert trainer.fit() == "done" and checkpoint.list_steps(out / "checkpoints") == [10]
    assert json.loads((out / "config.json").read_text())["config"]["seed"] == 5


def test_a_run_that_failed_while_being_set_up_can_be_started_again(tmp_path, fast, monkeypatch):
    out = tmp_path / "run"

    def broken(*args, **kwargs):
        raise RuntimeError("failed while building")

    with monkeypatch.context() as patch:
        patch.setattr(loop_module.Trainer, "__init__", broken)
        with pytest.raises(RuntimeError):
            start_run("vanilla-mlp", out, {**fast, "steps": 10})
    with pytest.warns(GanzooWarning):
        assert start_run("vanilla-mlp", out, {**fast, "steps": 10}).fit() == "done"


def test_a_folder_holding_only_the_lock_of_a_killed_run_is_used(tmp_path, fast):
    out = tmp_path / "run"
    out.mkdir()
    (out / ".lock").write_text("12345\n")
    assert start_run("vanilla-mlp", out, {**fast, "steps": 10}).fit() == "done"


def test_the_next_start_removes_what_a_crash_left(tmp_path, fast):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**fast, "steps": 10}).fit()
    left = [out / ".config.json.k2j3h4.tmp", out / "samples" / ".step-000020.png.a1b2c3.tmp",
            out / "checkpoints" / ".step-000020.safetensors.d4e5f6.tmp",
            out / "checkpoints" / "step-000005.safetensors"]  # its sidecar was pruned, then the crash
    for path in left:
        path.write_bytes(b"left over")
    resume_run(out, {"steps": 20})
    assert not [path for path in left if path.exists()]
    assert checkpoint.list_steps(out / "checkpoints") == [10]
