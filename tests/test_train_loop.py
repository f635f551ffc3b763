import json
import os
import signal

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


def test_linear_lr_decay_stops_at_its_floor(tmp_path, tiny):
    run = start_run("vanilla-mlp", tmp_path / "run", {**tiny, "steps": 20, "lr_decay": "linear", "lr_floor": 0.25,
                                                       "lr": 1e-3, "d_lr": 4e-3})
    run.fit()
    # set before the last step: 1 - 0.75 * 19/20 of the configured rates
    assert run.opt_g.param_groups[0]["lr"] == pytest.approx(1e-3 * (1 - 0.75 * 19 / 20))
    assert run.opt_d.param_groups[0]["lr"] == pytest.approx(4e-3 * (1 - 0.75 * 19 / 20))


@pytest.mark.parametrize("floor", [-0.1, 1.5, float("nan")])
def test_an_lr_floor_outside_zero_to_one_is_refused(tmp_path, tiny, floor):
    with pytest.raises(ConfigError, match="lr_floor must lie in"):
        start_run("vanilla-mlp", tmp_path / "run", {**tiny, "lr_floor": floor})


def test_a_new_run_starts_networks_from_the_data_where_they_ask(tmp_path, tiny):
    tiny = {**tiny, "data": "digits", "steps": 0}
    plain = start_run("vanilla-mlp", tmp_path / "plain", tiny)
    marginal = start_run("vanilla-mlp", tmp_path / "marginal", {**tiny, "generator.output_bias": "marginals"})
    bias = [m for m in marginal.G.net if isinstance(m, torch.nn.Linear)][-1].bias
    pixels = marginal.parts.dataset.test_split()[0].flatten(1).mean(0)
    assert torch.corrcoef(torch.stack([torch.tanh(bias.detach()), pixels]))[0, 1] > 0.99  # tanh output
    # the samples it saw came from a stream of their own: everything else starts as before
    for key, value in plain.D.state_dict().items():
        assert torch.equal(value, marginal.D.state_dict()[key]), key
    assert torch.equal(plain.data_rng.get_state(), marginal.data_rng.get_state())


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
            return {**stats, "d_loss": stats["d_loss"] * float("nan")}
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
            trainer.request_stop()
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


# ---------------------------------------------------------------- divergence


def _finite(path):
    return all(torch.isfinite(t).all() for t in load_file(path).values() if t.is_floating_point())


def test_no_checkpoint_holds_weights_or_optimizer_states_that_are_not_finite(tmp_path, tiny):
    out = tmp_path / "run"
    settings = {**tiny, "threads": 1, "steps": 300, "lr": 1e8, "checkpoint_every": 1, "log_every": 1,
                "keep_checkpoints": 300}
    with pytest.raises(TrainingDiverged, match="last good checkpoint") as caught:
        start_run("vanilla-mlp", out, settings).fit()
    steps = checkpoint.list_steps(out / "checkpoints")
    assert steps and all(_finite(out / "checkpoints" / f"step-{s:06d}.safetensors") for s in steps)
    assert f"(step {steps[-1]})" in str(caught.value)
    assert (out / "checkpoints" / "latest").read_text().strip() == f"step-{steps[-1]:06d}"


def test_a_loss_that_is_nan_from_the_first_step_is_not_called_a_divergence(tmp_path, tiny):
    trainer = start_run("vanilla-mlp", tmp_path / "run", {**tiny, "threads": 1, "steps": 40})
    real_step = trainer.train_step

    def nan_step():
        stats = real_step()
        return {**stats, "d_loss": stats["d_loss"] * float("nan")}

    trainer.train_step = nan_step
    with pytest.raises(TrainingDiverged, match="from the very first step") as caught:
        trainer.fit()
    assert "lower learning rate" not in str(caught.value)


def test_a_nan_penalty_stops_the_run(tmp_path, tiny):
    trainer = start_run("vanilla-mlp", tmp_path / "run", {**tiny, "threads": 1, "steps": 20})
    # a constant NaN has no gradient: the weights stay finite, only the check can notice it
    trainer.objective.penalty = lambda *args, **kwargs: torch.tensor(float("nan"))
    with pytest.raises(TrainingDiverged):
        trainer.fit()


# ---------------------------------------------------------------- stop signals


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_save_and_stop_like_ctrl_c(tmp_path, tiny, sig):
    out = tmp_path / "run"
    trainer = start_run("vanilla-mlp", out, {**tiny, "threads": 1, "steps": 1000})
    real_step = trainer.train_step

    def step_then_signal():
        stats = real_step()
        if trainer.step == 6:
            os.kill(os.getpid(), sig)
        return stats

    trainer.train_step = step_then_signal
    before = signal.getsignal(sig)
    assert trainer.fit() == "interrupted" and trainer.stop_signal == sig
    assert checkpoint.list_steps(out / "checkpoints") == [7]
    assert signal.getsignal(sig) == before  # fit() puts the previous handler back


def test_a_second_signal_while_saving_aborts_only_once_the_checkpoint_is_written(tmp_path, tiny, monkeypatch):
    out = tmp_path / "run"
    trainer = start_run("vanilla-mlp", out, {**tiny, "threads": 1, "steps": 1000, "checkpoint_every": 1000})
    real_step, real_save = trainer.train_step, checkpoint.save

    def step_then_signal():
        stats = real_step()
        if trainer.step == 6:
            os.kill(os.getpid(), signal.SIGINT)
        return stats

    def save_with_a_second_ctrl_c(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        return real_save(*args, **kwargs)

    trainer.train_step = step_then_signal
    monkeypatch.setattr(checkpoint, "save", save_with_a_second_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        trainer.fit()
    tensors, meta = checkpoint.load(checkpoint.resolve(out / "checkpoints"))
    assert meta["step"] == 7


# ---------------------------------------------------------------- resume settings


def test_ema_turned_on_at_resume_starts_from_the_generator(tmp_path, tiny):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "threads": 1, "steps": 10}).fit()
    resumed = resume_run(out, {"steps": 20, "ema": 0.99})
    for avg, live in zip(resumed.ema.parameters(), resumed.G.parameters()):
        assert torch.equal(avg, live)
    assert resumed.fit() == "done" and any(k.startswith("ema.") for k in _weights(out, 20))


def test_new_betas_on_resume_are_applied_and_recorded(tmp_path, tiny):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "threads": 1, "steps": 10}).fit()
    resumed = resume_run(out, {"steps": 12, "betas": [0.0, 0.9]})
    resumed.fit()
    assert [tuple(g["betas"]) for g in resumed.opt_g.param_groups + resumed.opt_d.param_groups] == [(0.0, 0.9)] * 2
    assert json.loads((out / "config.json").read_text())["config"]["betas"] == [0.0, 0.9]


def test_steps_0_writes_a_checkpoint_of_the_initial_weights(tmp_path, tiny):
    out = tmp_path / "run"
    assert start_run("vanilla-mlp", out, {**tiny, "threads": 1, "steps": 0}).fit() == "done"
    assert checkpoint.list_steps(out / "checkpoints") == [0]


def test_resume_refuses_steps_that_end_before_the_checkpoint(tmp_path, tiny):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "threads": 1, "steps": 20}).fit()
    with pytest.raises(ConfigError, match="ends before the checkpoint's step 20"):
        resume_run(out, {"steps": 10})
    assert json.loads((out / "config.json").read_text())["config"]["steps"] == 20
