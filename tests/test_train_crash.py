"""Crash consistency: a training process killed at any moment leaves a run that resumes.

A driver process (tests/crash_driver.py) forks `ganzoo train` children and kills them
before and after the file operations of a checkpoint save (each rename, and the unlinks
of pruning) and at random moments. After each kill: `latest` resolves to a checkpoint that
loads, `ganzoo sample` and `--resume` work (or, with no checkpoint yet, the run starts
again in place), and the next start leaves no temporary or orphaned file. The default suite
kills at the points of one save; ``-m slow`` kills at every point and at more random moments.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from ganzoo import sampling
from ganzoo.errors import GanzooWarning
from ganzoo.train import checkpoint, resume_run, start_run
from tests.conftest import TINY, tiny_args

DRIVER = Path(__file__).with_name("crash_driver.py")
STEPS = 15
# keep one checkpoint, so every save after the first one prunes
# threads=1: a small network on a busy machine steps much faster on one thread
CHANGES = {"checkpoint_every": 5, "keep_checkpoints": 1, "sample_every": 5, "threads": 1}
SETTINGS = {**TINY, **CHANGES}
ARGS = ["train", "vanilla-mlp", *tiny_args(STEPS), *[a for k, v in CHANGES.items() for a in ("--set", f"{k}={v}")]]


class Driver:
    """tests/crash_driver.py, started once: ``run`` hands it runs to kill, one at a time."""

    def __init__(self):
        self.process = subprocess.Popen([sys.executable, str(DRIVER), json.dumps(ARGS)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1])

    def run(self, out: Path, kill: list | None) -> dict:
        self.process.stdin.write(json.dumps({"out": str(out), "kill": kill}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the crash driver stopped (exit code {self.process.wait(timeout=60)})"
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


@pytest.fixture(scope="module")
def driver():
    started = Driver()
    yield started
    started.close()


def _leftovers(run: Path) -> list[str]:
    temporaries = [p.name for p in run.rglob("*.tmp")]
    orphans = [p.name for p in (run / "checkpoints").glob("*.safetensors") if not p.with_suffix(".json").exists()]
    return temporaries + orphans


def _check_recovers(out: Path) -> None:
    """What a user does after a crash works, and leaves a clean run directory."""
    steps = checkpoint.list_steps(out / "checkpoints") if (out / "checkpoints").is_dir() else []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GanzooWarning)  # a restart in place, or no `latest` yet
        if not steps:  # killed before its first checkpoint: the same command starts it again
            start_run("vanilla-mlp", out, {**SETTINGS, "steps": 5}).fit()
            assert checkpoint.list_steps(out / "checkpoints") == [5]
            assert not _leftovers(out)
            return
        sidecar = checkpoint.resolve(out / "checkpoints")
        checkpoint.load(sidecar)
        generator, dataset, step = sampling.load_run(out)
        assert sampling.sample(generator, dataset, 8).shape == (8, 2)
        trainer = resume_run(out, {"steps": STEPS + 5})
    assert not _leftovers(out), "the next start removes what the crash left"
    assert trainer.step == step and trainer.fit() == "done"
    assert (out / "checkpoints" / "latest").read_text().strip() == checkpoint.checkpoint_name(STEPS + 5)


@pytest.fixture(scope="module")
def reference(driver, tmp_path_factory):
    """One uninterrupted run: its file operations, in order, and how long it took."""
    run = driver.run(tmp_path_factory.mktemp("reference") / "run", None)
    assert run["status"] == 0 and run["ops"]
    return run


def _save_points(ops: list, step: int) -> list[list]:
    """Kill points before each operation of the checkpoint save at ``step`` (its renames,
    `latest`, and the pruning of the one before) and after the last: every state it passes through."""
    name = checkpoint.checkpoint_name(step)
    pruned = checkpoint.checkpoint_name(step - SETTINGS["checkpoint_every"])
    written = {f"{name}.safetensors", f"{name}.json", "latest"}
    removed = {f"{pruned}.json", f"{pruned}.safetensors"}
    start = ops.index(["replace", f"{name}.safetensors"])
    end = max(i for i, (kind, target) in enumerate(ops) if kind == "unlink" and target in removed)
    indices = [index for index, (kind, target) in enumerate(ops[start : end + 1], start=start + 1)
               if (kind == "replace" and target in written) or (kind == "unlink" and target in removed)]
    return [["op", index, "before"] for index in indices] + [["op", indices[-1], "after"]]


def _kill_and_check(driver, tmp_path: Path, kills: list) -> list[int]:
    statuses = []
    for i, kill in enumerate(kills):
        run = driver.run(tmp_path / f"run{i}", kill)
        statuses.append(run["status"])
        _check_recovers(Path(run["out"]))
    return statuses


def test_a_kill_around_each_operation_of_a_save_leaves_a_run_that_recovers(driver, tmp_path, reference):
    points = _save_points(reference["ops"], 10)
    assert len(points) == 6, reference["ops"]  # tensors, sidecar, latest; sidecar and tensors of step 5; after
    kills = points + [["time", random.Random(0).uniform(0.0, reference["seconds"])]]
    statuses = _kill_and_check(driver, tmp_path, kills)
    assert statuses[:-1] == [77] * len(points)  # each stopped at its point


@pytest.mark.slow
def test_a_kill_at_any_file_operation_or_moment_leaves_a_run_that_recovers(driver, tmp_path, reference, request):
    if "slow" not in (request.config.option.markexpr or ""):
        pytest.skip("many kills: run with -m slow")
    kills = [["op", i, when] for i in range(1, len(reference["ops"]) + 1) for when in ("before", "after")]
    rng = random.Random(1)
    kills += [["time", rng.uniform(0.0, reference["seconds"])] for _ in range(30)]
    _kill_and_check(driver, tmp_path, kills)
