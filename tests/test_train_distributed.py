"""Data-parallel training: two gloo processes on the CPU.

tests/dist_driver.py forks the two ranks of each job (with torchrun's environment) from one
process that imported torch once, and records what each rank all-reduced, wrote and drew.
The jobs: a whole run of an R1 model, a WGAN-GP run, a run whose rank 1 is SIGKILLed at step
13 and one whose rank 1 stops answering at step 7. The killed run is then resumed under
torchrun itself (``ganzoo train --nproc 2 --resume``) and compared with the whole run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from safetensors.torch import load_file
from torch import nn

from ganzoo.cli import cli
from ganzoo.errors import ConfigError
from ganzoo.train.config import TrainConfig, apply_overrides
from ganzoo.train.distributed import Distributed, sync_batchnorm, torchrun_command
from tests.conftest import tiny_args

DRIVER = Path(__file__).with_name("dist_driver.py")
ROOT = Path(__file__).parents[1]
STEPS = 20
# checkpoints every 5 steps; one thread per process (two processes share two cores)
SETTINGS = ["--set", "checkpoint_every=5", "--set", "threads=1"]
WHOLE = ["train", "r1-gan-mlp-ema", *tiny_args(STEPS), *SETTINGS]  # lazy R1 (a double backward) and EMA
GP = ["train", "wgan-gp-mlp", *tiny_args(4), *SETTINGS]  # five critic phases a step, each with its GP
KILLED_AT, HUNG_AT = 13, 7
# CycleGAN keeps a pool of fakes in each process (full after 3 images, 2 a step a process)
CYCLE_STEPS, CYCLE_KILLED_AT = 8, 6
CYCLEGAN = ["train", "cyclegan", "--steps", str(CYCLE_STEPS), "--set", "checkpoint_every=4", "--set", "threads=1",
            *(arg for key, value in {"generator.width": 8, "generator.blocks": 1, "discriminator.width": 8,
                                     "generator_ba.width": 8, "generator_ba.blocks": 1, "discriminator_a.width": 8,
                                     "batch_size": 4, "game.pool_size": 3, "sample_every": 100}.items()
              for arg in ("--set", f"{key}={value}"))]


def _job(out: Path, args: list[str], fault=None) -> dict:
    return {"args": args, "out": str(out), "fault": fault}


@pytest.fixture(scope="module")
def jobs(tmp_path_factory) -> dict[str, dict]:
    """Each job's result: {"out": Path, "codes", "hung", "ranks": [what each rank recorded]}."""
    root = tmp_path_factory.mktemp("distributed")
    plan = {
        "whole": _job(root / "whole", WHOLE),
        "gp": _job(root / "gp", GP),
        "killed": _job(root / "killed", WHOLE, [1, KILLED_AT, "kill"]),
        "hung": _job(root / "hung", [*WHOLE, "--set", "dist_timeout=2"], [1, HUNG_AT, "hang"]),
        "cyclegan": _job(root / "cyclegan", CYCLEGAN),
        "cyclegan killed": _job(root / "cyclegan-killed", CYCLEGAN, [1, CYCLE_KILLED_AT, "kill"]),
    }
    stdin = "".join(json.dumps(job) + "\n" for job in plan.values())
    done = subprocess.run([sys.executable, str(DRIVER)], input=stdin, capture_output=True, text=True, cwd=ROOT,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    results = {}
    for name, line in zip(plan, done.stdout.splitlines()):
        result = json.loads(line)
        out = Path(result["out"])
        ranks = []
        for rank in range(2):
            record = Path(f"{out}.rank-{rank}.json")
            ranks.append({**(json.loads(record.read_text()) if record.exists() else {}),
                          "stderr": Path(f"{out}.rank-{rank}.stderr").read_text()})
        results[name] = {**result, "out": out, "ranks": ranks}
    return results


def _state(job: dict, rank: int) -> dict[str, torch.Tensor]:
    return load_file(f"{job['out']}.rank-{rank}.safetensors")


def test_every_rank_holds_the_same_weights_after_training(jobs):
    whole = jobs["whole"]
    assert whole["codes"] == [0, 0], whole["ranks"][0]["stderr"]
    first, second = _state(whole, 0), _state(whole, 1)
    assert sorted(first) == sorted(second)
    assert [k for k in first if not torch.equal(first[k], second[k])] == []


def test_gradient_penalty_trains_under_two_ranks(jobs):
    gp = jobs["gp"]
    assert gp["codes"] == [0, 0], gp["ranks"][0]["stderr"]
    first, second = _state(gp, 0), _state(gp, 1)
    assert all(torch.equal(first[k], second[k]) and torch.isfinite(first[k]).all() for k in first)
    phases = [c["phase"] for c in gp["ranks"][0]["all_reduce"] if c["phase"]]
    assert phases.count("discriminator") == 5 * 4 and phases.count("generator") == 4


def test_the_generator_phase_sends_exactly_the_generators_gradients(jobs):
    """One flattened all-reduce per phase: G's gradients (and one count per tensor) in G's
    phase, D's in D's; D's gradients from G's backward never travel."""
    rank0 = jobs["whole"]["ranks"][0]
    sizes = rank0["sizes"]
    expected = {role: sizes[role]["elements"] + sizes[role]["tensors"] for role in ("generator", "discriminator")}
    by_phase: dict[str, list[int]] = {}
    for call in rank0["all_reduce"]:
        by_phase.setdefault(call["phase"], []).append(call["elements"])
    assert by_phase["generator"] == [expected["generator"]] * STEPS
    assert by_phase["discriminator"] == [expected["discriminator"]] * STEPS
    # outside the phases: the stop flag, the logged losses, the checkpoints' agreement; no gradients
    assert max(by_phase[None]) < 10


def test_each_rank_draws_its_own_batches_and_rank_0_a_lone_processs(jobs):
    from ganzoo.data import load_dataset

    first = [rank["first_real"] for rank in jobs["whole"]["ranks"]]
    assert first[0] != first[1]
    alone, _ = load_dataset("ring8", seed=0).sample(16, torch.Generator().manual_seed(0 + 1))
    assert torch.tensor(first[0]).equal(alone)


def test_only_rank_0_writes_the_run_directory_and_reports(jobs):
    rank0, rank1 = jobs["whole"]["ranks"]
    assert rank1["writes"] == []
    assert any(path.endswith("metrics.jsonl") for path in rank0["writes"])
    assert "step 5/20" in rank0["stderr"] and "Training" in rank0["stderr"]
    assert "step 5/20" not in rank1["stderr"] and "Training" not in rank1["stderr"]


def test_config_json_and_checkpoints_record_the_world_size(jobs):
    out = jobs["whole"]["out"]
    record = json.loads((out / "config.json").read_text())
    assert record["distributed"] == {"world_size": 2, "backend": "gloo", "batch_size": "per process",
                                     "global_batch_size": 32}
    sidecar = json.loads((out / "checkpoints" / "step-000020.json").read_text())
    assert sidecar["world_size"] == 2


def test_a_killed_rank_ends_the_job_with_a_message(jobs):
    killed = jobs["killed"]
    assert killed["codes"] == [2, -9] and killed["hung"] == []
    stderr = killed["ranks"][0]["stderr"]
    assert "Error: process 0 of 2 lost the others" in stderr and "Traceback" not in stderr


def test_a_rank_that_stops_answering_times_out_with_a_message(jobs):
    hung = jobs["hung"]
    assert hung["codes"][0] == 2 and hung["hung"] == [1]  # rank 0 ended on its own; rank 1 slept on
    stderr = hung["ranks"][0]["stderr"]
    assert "did not answer within dist_timeout=2 s" in stderr and "Traceback" not in stderr


@pytest.fixture(scope="module")
def resumed(jobs) -> subprocess.CompletedProcess:
    """The killed run, continued to its end under torchrun (through ``--nproc``)."""
    return subprocess.run([sys.executable, "-m", "ganzoo", "train", "--nproc", "2", "--resume",
                           str(jobs["killed"]["out"]), "--steps", str(STEPS)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600, check=False)


def test_a_killed_rank_leaves_the_run_resumable(jobs, resumed):
    assert resumed.returncode == 0, resumed.stderr
    assert f"Resuming {jobs['killed']['out']} at step 10 of {STEPS}" in resumed.stderr
    checkpoints = jobs["killed"]["out"] / "checkpoints"
    assert (checkpoints / "latest").read_text().strip() == "step-000020"
    assert not [p.name for p in checkpoints.iterdir() if p.name.startswith(".")]  # no temporary left


def test_a_resumed_two_rank_run_is_bit_exact_with_an_uninterrupted_one(jobs, resumed):
    assert resumed.returncode == 0, resumed.stderr
    whole = load_file(jobs["whole"]["out"] / "checkpoints" / "step-000020.safetensors")
    again = load_file(jobs["killed"]["out"] / "checkpoints" / "step-000020.safetensors")
    assert "rng.rank1.data" in whole and sorted(whole) == sorted(again)  # rank 1's streams are saved
    assert [k for k in whole if not torch.equal(whole[k], again[k])] == []


def test_a_resumed_two_rank_cyclegan_keeps_each_ranks_pool_and_is_bit_exact(jobs):
    killed = jobs["cyclegan killed"]["out"]
    done = subprocess.run([sys.executable, "-m", "ganzoo", "train", "--nproc", "2", "--resume", str(killed),
                           "--steps", str(CYCLE_STEPS)], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr
    whole = load_file(jobs["cyclegan"]["out"] / "checkpoints" / f"step-{CYCLE_STEPS:06d}.safetensors")
    again = load_file(killed / "checkpoints" / f"step-{CYCLE_STEPS:06d}.safetensors")
    pools = sorted(k for k in whole if k.startswith(("game.", "rank1.game.")))
    assert pools and any(k.startswith("rank1.game.") for k in pools)
    assert not torch.equal(whole[pools[0]], whole[f"rank1.{pools[0]}"])  # the two processes' pools differ
    assert sorted(whole) == sorted(again) and [k for k in whole if not torch.equal(whole[k], again[k])] == []


def test_resuming_with_another_number_of_processes_is_refused(jobs, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(jobs["whole"]["out"], run)
    result = CliRunner().invoke(cli, ["train", "--resume", str(run), "--steps", "30"])
    assert result.exit_code == 2
    assert "was trained by 2 process(es) and this job has 1" in result.output
    assert "torchrun --nproc_per_node=2" in result.output


# ---------------------------------------------------------------- without processes


def test_nproc_runs_the_same_command_under_torchrun(monkeypatch, tmp_path):
    launched = []

    def execv(path, argv):
        launched.append(argv)
        raise SystemExit(0)

    monkeypatch.setattr(os, "execv", execv)
    out = tmp_path / "run"
    result = CliRunner().invoke(cli, ["train", "vanilla-mlp", "--nproc", "3", "--steps", "5",
                                      "--set", "lr=1e-4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert launched == [torchrun_command(3, ["train", "vanilla-mlp", "--steps", "5", "--out", str(out),
                                             "--set", "lr=1e-4"])]
    assert launched[0][1:5] == ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=3"]


def test_under_torchrun_every_process_must_be_given_the_run_directory(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    result = CliRunner().invoke(cli, ["train", "vanilla-mlp", "--steps", "5"])
    assert result.exit_code == 2
    assert "under torchrun pass --out" in result.output


def test_sync_batchnorm_is_refused_on_the_cpu():
    with pytest.raises(ConfigError, match="sync_batchnorm=true needs CUDA"):
        Distributed(rank=0, world_size=2).check(TrainConfig(sync_batchnorm=True), torch.device("cpu"))


def test_sync_batchnorm_replaces_every_batchnorm_and_keeps_the_names():
    network = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.Sequential(nn.BatchNorm2d(4)))
    names = list(network.state_dict())
    converted = sync_batchnorm({"generator": network})["generator"]
    assert [type(m) for m in converted.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)] == \
        [nn.SyncBatchNorm, nn.SyncBatchNorm]
    assert list(converted.state_dict()) == names


def test_dist_timeout_must_be_a_positive_number():
    with pytest.raises(ConfigError, match="dist_timeout must be"):
        apply_overrides(TrainConfig(), {"dist_timeout": 0}, components={})
