"""precision=bf16|fp16: autocast in the game's phases, float32 losses and penalties, fp16 loss
scaling whose state is checkpointed, exact resume (bf16 and fp16 both run on the CPU)."""

from __future__ import annotations

import json
import math

import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from torch import nn

from ganzoo import ops
from ganzoo.api import DataInfo
from ganzoo.errors import ConfigError, RunDirError
from ganzoo.train import resume_run, start_run
from ganzoo.train.precision import Precision, check_supported
from ganzoo.train.step import StepContext
from ganzoo.zoo import regularizers
from ganzoo.zoo.mlp import MLPDiscriminator

HALF = ["bf16", "fp16"]
DTYPE = {"bf16": torch.bfloat16, "fp16": torch.float16}


def _weights(run_dir, step):
    return load_file(run_dir / "checkpoints" / f"step-{step:06d}.safetensors")


def _sidecar(run_dir, step):
    return run_dir / "checkpoints" / f"step-{step:06d}.json"


@pytest.mark.parametrize("precision", HALF)
def test_the_networks_layers_compute_in_half_precision(tmp_path, tiny, precision):
    trainer = start_run("vanilla-mlp", tmp_path / "run", {**tiny, "steps": 1, "precision": precision})
    seen = []
    first_layer = next(m for m in trainer.D.modules() if isinstance(m, nn.Linear))
    first_layer.register_forward_hook(lambda module, args, out: seen.append(out.dtype))
    trainer.train_step()
    assert seen and set(seen) == {DTYPE[precision]}


@pytest.mark.parametrize("precision", HALF)
def test_losses_and_logged_scalars_are_float32(tmp_path, tiny, precision):
    trainer = start_run("vanilla-mlp", tmp_path / "run", {**tiny, "steps": 1, "precision": precision})
    stats = trainer.train_step()
    assert {name: value.dtype for name, value in stats.items()} == dict.fromkeys(stats, torch.float32)


@pytest.mark.parametrize("precision", HALF)
def test_resume_is_bit_identical_to_an_uninterrupted_run(tmp_path, tiny, precision):
    settings = {**tiny, "precision": precision, "ema": 0.9, "threads": 1}  # both runs on one thread count
    straight, split = tmp_path / "straight", tmp_path / "split"
    start_run("vanilla-mlp", straight, {**settings, "steps": 20}).fit()
    start_run("vanilla-mlp", split, {**settings, "steps": 7}).fit()
    resume_run(split, {"steps": 20}).fit()
    a, b = _weights(straight, 20), _weights(split, 20)
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key
    sidecars = [json.loads(_sidecar(run, 20).read_text()) for run in (straight, split)]
    assert sidecars[0].get("scalers") == sidecars[1].get("scalers")


def test_fp16_loss_scalers_are_restored_from_the_checkpoint(tmp_path, tiny):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "steps": 5, "precision": "fp16"}).fit()
    saved = json.loads(_sidecar(out, 5).read_text())["scalers"]
    assert set(saved) == {"discriminator", "generator"} and saved["generator"]["_growth_tracker"] == 5
    resumed = resume_run(out, {"steps": 5})
    assert resumed.precision.state() == saved


def test_a_corrupt_loss_scaler_state_is_reported_not_loaded(tmp_path, tiny):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "steps": 5, "precision": "fp16"}).fit()
    sidecar = _sidecar(out, 5)
    meta = json.loads(sidecar.read_text())
    meta["scalers"]["generator"]["scale"] = -1.0
    sidecar.write_text(json.dumps(meta))
    with pytest.raises(RunDirError, match="loss scaler of phase 'generator'"):
        resume_run(out, {"steps": 10})


def _fp16_context(net):
    return StepContext(networks={}, optimizers={"d": torch.optim.SGD(net.parameters(), lr=1.0)}, objective=None,
                       config=None, device=torch.device("cpu"), dataset=None, data_rng=torch.Generator(),
                       latent_rng=torch.Generator(), conditional=False,
                       precision=Precision("fp16", torch.device("cpu")))


def test_an_fp16_phase_whose_gradients_overflow_skips_its_update_and_halves_its_scale():
    net = nn.Linear(2, 1)
    ctx = _fp16_context(net)
    before = net.weight.detach().clone()
    with ctx.phase("d") as phase:
        phase.backward(net(torch.ones(1, 2)).sum() * math.inf)
    assert torch.equal(net.weight.detach(), before)
    assert ctx.precision.scalers["d"].get_scale() == 2.0**15


def test_an_fp16_phase_steps_with_the_unscaled_gradients():
    net = nn.Linear(2, 1)
    ctx = _fp16_context(net)
    ctx.precision.prepare({"d": net})
    before = net.weight.detach().clone()
    with ctx.phase("d") as phase:
        phase.backward(net(torch.tensor([[1.0, 0.0]])).sum() / 4)
    assert torch.equal(net.weight.detach(), before - torch.tensor([[0.25, 0.0]]))  # lr 1, gradient (1/4, 0)
    assert ctx.precision.scalers["d"].get_scale() == 2.0**16


def _discriminator():
    torch.manual_seed(0)
    return MLPDiscriminator(DataInfo(shape=(2,), bounded=False), hidden=(16, 16))


@pytest.mark.parametrize("precision", HALF)
def test_penalties_are_computed_in_float32_inside_half_precision_phases(precision):
    D, real, fake = _discriminator(), torch.randn(8, 2), torch.randn(8, 2)
    Precision(precision, torch.device("cpu")).prepare({"discriminator": D})
    r1_float32 = regularizers.r1_penalty(D, real)
    torch.manual_seed(1)  # the gradient penalty draws its mixing weights
    gp_float32 = regularizers.gradient_penalty(D, real, fake)
    with torch.autocast("cpu", dtype=DTYPE[precision]):
        r1 = regularizers.r1_penalty(D, real)
        torch.manual_seed(1)
        gp = regularizers.gradient_penalty(D, real, fake)
    assert r1.dtype == gp.dtype == torch.float32
    assert torch.equal(r1, r1_float32) and torch.equal(gp, gp_float32)


def test_the_fused_op_takes_bf16_logits_from_autocast_and_its_gradients_reach_the_weights():
    torch.manual_seed(0)
    D, real, fake = nn.Linear(4, 1), torch.randn(16, 4), torch.randn(16, 4)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        real_logits, fake_logits = D(real).squeeze(1), D(fake).squeeze(1)
        loss = ops.gan_pair_bce(real_logits, fake_logits)
    assert real_logits.dtype == torch.bfloat16
    # the op keeps its inputs' dtype: hence the trainer hands objectives float32 logits
    assert loss.dtype == torch.bfloat16
    expected = (F.binary_cross_entropy_with_logits(real_logits.float(), torch.ones(16))
                + F.binary_cross_entropy_with_logits(fake_logits.float(), torch.zeros(16)))
    torch.testing.assert_close(loss.float(), expected, rtol=1e-2, atol=0)
    loss.backward()
    assert D.weight.grad.dtype == torch.float32 and bool(D.weight.grad.abs().sum() > 0)


def test_precision_is_recorded_and_a_resume_may_change_it(tmp_path, tiny):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "steps": 5, "precision": "bf16"}).fit()
    assert json.loads((out / "config.json").read_text())["config"]["precision"] == "bf16"
    resumed = resume_run(out, {"steps": 10, "precision": "fp32"})
    assert resumed.fit() == "done" and resumed.precision.dtype is None
    assert json.loads((out / "config.json").read_text())["config"]["precision"] == "fp32"


def test_an_unknown_precision_is_a_config_error(tmp_path, tiny):
    with pytest.raises(ConfigError, match="precision must be fp32, bf16 or fp16"):
        start_run("vanilla-mlp", tmp_path / "run", {**tiny, "precision": "fp8"})
    assert not (tmp_path / "run").exists()


def test_bf16_on_a_gpu_without_bfloat16_is_refused(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kwargs: False)
    with pytest.raises(ConfigError, match="use --set precision=fp16"):
        check_supported("bf16", torch.device("cuda"))


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
@pytest.mark.parametrize("precision", HALF)
def test_half_precision_trains_on_cuda(tmp_path, tiny, precision):
    trainer = start_run("vanilla-mlp", tmp_path / "run", {**tiny, "steps": 20, "precision": precision,
                                                          "device": "cuda"})
    assert trainer.fit() == "done"
    weights = _weights(tmp_path / "run", 20)
    assert all(bool(torch.isfinite(t).all()) for t in weights.values() if t.is_floating_point())
    if precision == "fp16":
        assert set(trainer.precision.scalers) == {"discriminator", "generator"}
