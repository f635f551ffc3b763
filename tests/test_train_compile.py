"""compile=true: the game runs the generator and discriminator under torch.compile, the ganzoo
op is traced as the custom op it is (no graph break), checkpoints and EMA keep the eager
modules' keys, and penalties still differentiate twice.

The default suite compiles with the "aot_eager" backend (dynamo and AOT autograd, as the
trainer's default uses, without inductor's C++ code generation, which takes minutes on a
small machine); ``-m slow`` runs the trainer's own backend once."""

from __future__ import annotations

import pytest
import torch
from safetensors.torch import load_file

from ganzoo.api import DataInfo
from ganzoo.train import precision, resume_run, start_run
from ganzoo.zoo import regularizers
from ganzoo.zoo.conv import DCGANDiscriminator
from ganzoo.zoo.mlp import MLPDiscriminator
from ganzoo.zoo.objectives import NonSaturating


@pytest.fixture
def aot_eager(monkeypatch):
    monkeypatch.setattr(precision, "COMPILE_BACKEND", "aot_eager")
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


def _weights(run_dir, step):
    return load_file(run_dir / "checkpoints" / f"step-{step:06d}.safetensors")


@pytest.mark.parametrize("precision_name", ["fp32", "bf16"])
def test_a_compiled_discriminator_loss_traces_the_ganzoo_op_without_graph_breaks(precision_name):
    torch._dynamo.reset()
    torch.manual_seed(0)
    D, objective = DCGANDiscriminator(DataInfo(shape=(1, 8, 8), bounded=True), width=4), NonSaturating()
    half = precision.Precision(precision_name, torch.device("cpu"))
    half.prepare({"discriminator": D})
    real, fake = torch.randn(4, 1, 8, 8), torch.randn(4, 1, 8, 8)

    def losses(real, fake):
        with half.autocast():
            real_logits, fake_logits = D(real), D(fake)
            return objective.discriminator_loss(real_logits, fake_logits), objective.generator_loss(fake_logits)

    graphs = []

    def recording_backend(graph, example_inputs):
        graphs.append(graph)
        return graph.forward

    compiled = torch.compile(losses, fullgraph=True, backend=recording_backend)  # a graph break raises
    got, expected = compiled(real, fake), losses(real, fake)
    targets = {node.target for graph in graphs for node in graph.graph.nodes}
    assert len(graphs) == 1
    assert {torch.ops.ganzoo.gan_pair_bce.default, torch.ops.ganzoo.bce_with_logits.default} <= targets
    assert all(loss.dtype == torch.float32 for loss in got)
    torch.testing.assert_close(got, expected)
    torch._dynamo.reset()


#: dcgan (convolutions, BatchNorm) on the embedded 8x8 digits, small
DCGAN = {"data": "digits", "batch_size": 8, "generator.width": 4, "discriminator.width": 4, "ema": 0.9,
         "threads": 1, "log_every": 5, "sample_every": 10, "checkpoint_every": 10}


@pytest.fixture
def compiled_run(tmp_path, aot_eager):
    out = tmp_path / "compiled"
    trainer = start_run("dcgan", out, {**DCGAN, "steps": 10, "compile": True})
    torch._dynamo.utils.counters.clear()
    trainer.fit()
    return trainer, out, dict(torch._dynamo.utils.counters["graph_break"])


def test_compile_runs_the_games_networks_compiled_without_graph_breaks(compiled_run):
    trainer, _, graph_breaks = compiled_run
    assert all(isinstance(trainer.context.networks[role], torch._dynamo.eval_frame.OptimizedModule)
               for role in ("generator", "discriminator"))
    assert graph_breaks == {}


def test_a_compiled_run_checkpoints_the_eager_modules_keys_and_resumes_eagerly(compiled_run):
    trainer, out, _ = compiled_run
    weights = _weights(out, 10)
    assert not any("_orig_mod" in key for key in weights)
    assert set(trainer.G.state_dict()) == {key[len("generator."):] for key in weights if key.startswith("generator.")}
    assert {key[len("ema."):] for key in weights if key.startswith("ema.")} == set(trainer.G.state_dict())
    resumed = resume_run(out, {"steps": 12, "compile": False})
    assert resumed.fit() == "done" and resumed.context.networks is resumed.networks


def test_a_compiled_run_follows_the_eager_one(compiled_run, tmp_path):
    _, out, _ = compiled_run
    start_run("dcgan", tmp_path / "eager", {**DCGAN, "steps": 10}).fit()
    compiled, eager = _weights(out, 10), _weights(tmp_path / "eager", 10)
    for key in eager:
        if key.startswith(("generator.", "discriminator.", "ema.")):
            torch.testing.assert_close(compiled[key], eager[key], rtol=1e-4, atol=1e-5, msg=key)


def test_penalties_differentiate_twice_through_a_compiled_discriminator(aot_eager):
    torch.manual_seed(0)
    D = MLPDiscriminator(DataInfo(shape=(2,), bounded=False), hidden=(8,))
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    grads = []
    for network in (D, torch.compile(D, backend="aot_eager")):
        torch.manual_seed(1)  # the gradient penalty's mixing weights
        penalty = regularizers.r1_penalty(network, real) + regularizers.gradient_penalty(network, real, fake)
        # torch.compile has no double backward: the penalty runs the module it wraps
        grads.append(torch.autograd.grad(penalty, D.net[0].weight))
    torch.testing.assert_close(grads[1], grads[0])


@pytest.mark.slow
# Inductor imports torch/utils/mkldnn.py, whose classes use torch.jit.script_method, which this
# torch itself deprecates: warnings from inside torch, none from ganzoo or this test.
@pytest.mark.filterwarnings(r"ignore:`torch\.jit\.script_method` is deprecated:DeprecationWarning:torch\.jit\._script")
def test_inductor_compiles_a_dcgan_run(tmp_path, request):
    if "slow" not in (request.config.option.markexpr or ""):
        pytest.skip("inductor compiles C++ for minutes here: run with -m slow")
    torch._dynamo.reset()
    settings = {**DCGAN, "steps": 4}
    start_run("dcgan", tmp_path / "eager", settings).fit()
    assert start_run("dcgan", tmp_path / "compiled", {**settings, "compile": True}).fit() == "done"
    compiled, eager = _weights(tmp_path / "compiled", 4), _weights(tmp_path / "eager", 4)  # the last checkpoint
    for key in eager:
        if key.startswith(("generator.", "discriminator.")) and eager[key].is_floating_point():
            torch.testing.assert_close(compiled[key], eager[key], rtol=1e-3, atol=1e-4, msg=key)
    torch._dynamo.reset()
