"""Unrolled GAN's game: unroll=0 is the alternating game, the look-ahead is a differentiable
function of the generator, the discriminator itself takes only its ordinary update, the
unrolled optimizer steps are the optimizer's own, and the recipe resumes bit-exactly."""

from __future__ import annotations

import copy

import pytest
import torch
from torch import nn

from ganzoo.api import DataInfo
from ganzoo.data.toy import Ring8
from ganzoo.errors import ConfigError
from ganzoo.train import resume_run, start_run
from ganzoo.train.config import TrainConfig
from ganzoo.train.step import StepContext
from ganzoo.zoo.games import Alternating
from ganzoo.zoo.mlp import MLPDiscriminator, MLPGenerator
from ganzoo.zoo.objectives import Minimax
from ganzoo.zoo.unrolled import FunctionalOptimizer, Unrolled, UnrolledDiscriminator

POINTS = DataInfo((2,), bounded=False)
TINY = {"threads": 1, "batch_size": 16, "latent_dim": 4, "generator.hidden": [16, 16], "discriminator.hidden": [16],
        "game.unroll": 2, "log_every": 5, "sample_every": 10, "checkpoint_every": 10}


def _context(spectral_norm: bool = False) -> StepContext:
    """A step context of small MLPs (the same initial weights and streams every call)."""
    torch.manual_seed(0)
    G = MLPGenerator(POINTS, latent_dim=4, hidden=[16], batchnorm=False)
    D = MLPDiscriminator(POINTS, hidden=[16], spectral_norm=spectral_norm)
    optimizers = {"generator": torch.optim.Adam(G.parameters(), lr=1e-2, betas=(0.5, 0.999)),
                  "discriminator": torch.optim.Adam(D.parameters(), lr=1e-2, betas=(0.5, 0.999))}
    return StepContext({"generator": G, "discriminator": D}, optimizers, Minimax(), TrainConfig(batch_size=16),
                       torch.device("cpu"), Ring8(), torch.Generator().manual_seed(1),
                       torch.Generator().manual_seed(2), conditional=False)


def _states(module: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _equal(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_unroll_zero_trains_exactly_like_the_alternating_game():
    unrolled, alternating = _context(), _context()
    for _ in range(5):
        Unrolled(unroll=0).step(unrolled)
        Alternating().step(alternating)
    for role in ("generator", "discriminator"):
        assert _equal(_states(unrolled.networks[role]), _states(alternating.networks[role])), role


def test_unrolling_changes_the_generators_gradient():
    looking_ahead, plain = _context(), _context()
    Unrolled(unroll=3).step(looking_ahead)
    Unrolled(unroll=0).step(plain)
    grads = [(a.grad, b.grad) for a, b in zip(looking_ahead.networks["generator"].parameters(),
                                              plain.networks["generator"].parameters())]
    assert all(a is not None for a, _ in grads)
    assert not all(torch.allclose(a, b) for a, b in grads)


def test_the_discriminator_takes_one_ordinary_update():
    looking_ahead, plain = _context(), _context()
    Unrolled(unroll=3).step(looking_ahead)
    Alternating().step(plain)
    assert _equal(_states(looking_ahead.networks["discriminator"]), _states(plain.networks["discriminator"]))
    state_a = looking_ahead.optimizers["discriminator"].state_dict()["state"]
    state_b = plain.optimizers["discriminator"].state_dict()["state"]
    assert state_a.keys() == state_b.keys() and all(_equal(state_a[k], state_b[k]) for k in state_a)


class _AfterUpdate(Unrolled):
    """Notes the discriminator's state as its update left it, before the look-ahead."""

    def generator_critic(self, ctx):
        self.after_update = _states(ctx.networks["discriminator"])
        return super().generator_critic(ctx)


def test_the_unrolled_copies_do_not_leak_into_the_discriminator():
    # spectral norm gives D buffers (its power-iteration vectors) that every forward pass updates
    ctx = _context(spectral_norm=True)
    game = _AfterUpdate(unroll=3)
    game.step(ctx)
    assert _equal(_states(ctx.networks["discriminator"]), game.after_update)


def test_the_look_ahead_is_a_function_of_the_generator():
    ctx = _context()
    game = Unrolled(unroll=3)
    game.step(ctx)  # the optimizers have state, as in a run
    G = ctx.networks["generator"]
    critic = game.generator_critic(ctx)
    frozen = UnrolledDiscriminator(critic.module, {k: v.detach() for k, v in critic.tensors.items()})
    fake = G(ctx.latent())
    through = torch.autograd.grad(ctx.objective.generator_loss(critic(fake)), list(G.parameters()), retain_graph=True)
    against_constant = torch.autograd.grad(ctx.objective.generator_loss(frozen(fake)), list(G.parameters()))
    assert torch.equal(critic(fake), frozen(fake))  # the same discriminator: only the gradient differs
    assert not all(torch.allclose(a, b) for a, b in zip(through, against_constant))


@pytest.mark.parametrize("make", [
    lambda p: torch.optim.Adam(p, lr=1e-2, betas=(0.5, 0.9), weight_decay=1e-3),
    lambda p: torch.optim.SGD(p, lr=1e-2, momentum=0.5, nesterov=True),
    lambda p: torch.optim.RMSprop(p, lr=1e-2, momentum=0.5),
], ids=["adam", "sgd", "rmsprop"])
def test_an_unrolled_step_is_the_optimizers_own_and_leaves_it_untouched(make):
    torch.manual_seed(0)
    net = nn.Linear(3, 2)
    optimizer = make(net.parameters())
    x = torch.randn(8, 3)
    for _ in range(2):  # some state to continue from
        optimizer.zero_grad()
        net(x).square().mean().backward()
        optimizer.step()
    before = copy.deepcopy(optimizer.state_dict())
    params = [p.detach().clone() for p in net.parameters()]
    grads = [g.detach().clone() for g in torch.autograd.grad(net(x).sin().mean(), list(net.parameters()))]
    unrolled = FunctionalOptimizer(optimizer, list(net.parameters())).step(params, grads)
    assert _equal(optimizer.state_dict()["state"][0], before["state"][0])
    for p, g in zip(net.parameters(), grads):
        p.grad = g
    optimizer.step()
    for mine, torchs in zip(unrolled, net.parameters()):
        # to rounding: torch fuses some of the multiply-adds
        torch.testing.assert_close(mine, torchs.detach(), rtol=0, atol=1e-7)


def test_the_recipe_resumes_bit_exactly(tmp_path):
    straight = start_run("unrolled-gan-mlp", tmp_path / "a", {**TINY, "steps": 20}, progress=False)
    straight.fit()
    first = start_run("unrolled-gan-mlp", tmp_path / "b", {**TINY, "steps": 10}, progress=False)
    first.fit()
    resumed = resume_run(tmp_path / "b", {"steps": 20}, progress=False)
    resumed.fit()
    for role in ("generator", "discriminator"):
        assert _equal(_states(straight.networks[role]), _states(resumed.networks[role])), role


def test_a_negative_unroll_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="unroll must be a whole number >= 0"):
        start_run("unrolled-gan-mlp", tmp_path / "run", {**TINY, "game.unroll": -1})
