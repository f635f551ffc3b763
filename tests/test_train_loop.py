import json

import pytest
import torch
from safetensors.torch import load_file

from ganzoo.errors import ConfigError, RunDirError, TrainingDiverged
from ganzoo.train import checkpoint, resume_run, start_run


def _weights(run_dir, step):
    return load_file(run_dir / "checkpoints" / f"step-{step:06d}.safetensors")


def test_smoke_run_writes_the_run_directory(tmp_path, tiny):
    out = tmp_path / "run"
    assert start_run("vanilla-mlp", out, {**tiny, "steps": 20}).fit() == "done"
    record = json.loads((out / "config.json").read_text())
    assert record["config"]["steps"] == 20 and record["config"]["data"] == "ring8"
    assert record["components"]["generator"]["package"] == "ganzoo"
    assert set(record["versions"]) == {"ganzoo", "torch", "python"}
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [5, 10, 15, 20]
    assert set(rows[0]) == {"step", "d_loss", "g_loss", "d_real", "d_fake", "lr_g", "lr_d", "seconds"}
    assert sorted(p.name for p in (out / "samples").iterdir()) == ["step-000010.png", "step-000020.png"]
    assert (out / "checkpoints" / "latest").read_text().strip() == "step-000020"


def test_resume_is_bit_identical_to_an_uninterrupted_run(tmp_path, tiny):
    straight, split = tmp_path / "straight", tmp_path / "split"
    start_run("vanilla-mlp", straight, {**tiny, "steps": 30, "ema": 0.9}).fit()
    start_run("vanilla-mlp", split, {**tiny, "steps": 13, "ema": 0.9}).fit()
    resumed = resume_run(split, {"steps": 30})
    assert resumed.step == 13
    resumed.fit()
    a, b = _weights(straight, 30), _weights(split, 30)
    assert a.keys() == b.keys()
    assert any(k.startswith("optim.g.") for k in a) and any(k.startswith("ema.") for k in a)
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_linear_lr_decay_reaches_zero_and_resumes_exactly(tmp_path, tiny):
    settings = {**tiny, "steps": 20, "lr_decay": "linear", "d_lr": 4e-4, "checkpoint_every": 10,
                "keep_checkpoints": 5}
    straight = start_run("vanilla-mlp", tmp_path / "straight", settings)
    straight.fit()
    # set before the last step: 1/20 of the configured rates
    assert straight.opt_g.param_groups[0]["lr"] == pytest.approx(straight.config.lr / 20)
    assert straight.opt_d.param_groups[0]["lr"] == pytest.approx(4e-4 / 20)
    start_run("vanilla-mlp", tmp_path / "split", settings).fit()
    resume_run(tmp_path / "split", {"steps": 20}, checkpoint="10").fit()
    a, b = _weights(tmp_path / "straight", 20), _weights(tmp_path / "split", 20)
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_a_new_lr_on_resume_takes_effect(tmp_path, tiny):
    start_run("vanilla-mlp", tmp_path / "run", {**tiny, "steps": 10}).fit()
    resumed = resume_run(tmp_path / "run", {"steps": 12, "lr": 1e-5})
    resumed.fit()
    assert [group["lr"] for group in resumed.opt_g.param_groups] == [1e-5]
    assert [group["lr"] for group in resumed.opt_d.param_groups] == [1e-5]


def test_resume_drops_metrics_logged_after_the_checkpoint(tmp_path, tiny):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "steps": 15, "checkpoint_every": 10}).fit()
    resume_run(out, {"steps": 20}, checkpoint="10").fit()
    steps = [json.loads(line)["step"] for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert steps == [5, 10, 15, 20]


def test_resume_refuses_to_change_what_is_trained(tmp_path, tiny):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "steps": 10}).fit()
    with pytest.raises(ConfigError, match="cannot change batch_size"):
        resume_run(out, {"batch_size": 4})


def test_nan_loss_stops_the_run_and_keeps_the_last_good_checkpoint(tmp_path, tiny):
    out = tmp_path / "run"
    trainer = start_run("vanilla-mlp", out, {**tiny, "steps": 40})
    real_step = trainer.train_step

    def poisoned_step():
        stats = real_step()
        if trainer.step >= 12:
            return (stats[0] * float("nan"), *stats[1:])
        return stats

    trainer.train_step = poisoned_step
    with pytest.raises(TrainingDiverged, match="last good checkpoint \\(step 10\\)"):
        trainer.fit()
    assert checkpoint.list_steps(out / "checkpoints") == [10]
    assert (out / "checkpoints" / "latest").read_text().strip() == "step-000010"


def test_interrupt_saves_a_checkpoint_at_a_step_boundary(tmp_path, tiny):
    out = tmp_path / "run"
    trainer = start_run("vanilla-mlp", out, {**tiny, "steps": 1000})
    real_step = trainer.train_step

    def step_then_interrupt():
        stats = real_step()
        if trainer.step == 6:  # the step counter advances after this returns: stop at 7
            trainer._interrupted = True
        return stats

    trainer.train_step = step_then_interrupt
    assert trainer.fit() == "interrupted"
    assert checkpoint.list_steps(out / "checkpoints") == [7]


def test_corrupt_checkpoint_is_reported_not_loaded(tmp_path, tiny):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "steps": 10}).fit()
    blob = out / "checkpoints" / "step-000010.safetensors"
    data = bytearray(blob.read_bytes())
    data[-5] ^= 0xFF
    blob.write_bytes(bytes(data))
    with pytest.raises(RunDirError, match="corrupt"):
        resume_run(out, {"steps": 20})


def test_old_checkpoints_are_pruned(tmp_path, tiny):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "steps": 40, "keep_checkpoints": 2}).fit()
    assert checkpoint.list_steps(out / "checkpoints") == [30, 40]
