"""Games as plugins: a third party's game with a network of its own role trains, checkpoints,
resumes bit-exactly and samples under ganzoo's trainer; phases behave as documented."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

from ganzoo import registry, testing
from ganzoo.api import DataInfo, ModelSpec
from ganzoo.errors import PluginError
from ganzoo.sampling import load_run
from ganzoo.train import resume_run, start_run
from ganzoo.train.step import StepContext
from tests.plugin_fakes import add_distribution, site  # noqa: F401

GAME_SOURCE = '''
import torch
from torch import nn

from ganzoo.api import Encoder, Game, ModelSpec
from ganzoo.zoo.games import Alternating


class TinyEncoder(Encoder):
    """A linear encoder for the game tests."""

    def __init__(self, data, latent_dim=100, num_classes=0, scale=1.0):
        super().__init__(data, latent_dim, num_classes)
        self.linear = nn.Linear(data.numel, latent_dim)
        self.scale = scale

    def forward(self, x, labels=None):
        return self.scale * self.linear(x.flatten(1))


class Reconstruct(Alternating):
    """The alternating step plus an encoder that learns to invert the generator."""

    roles = {"generator": "generator", "discriminator": "discriminator", "encoder": "encoder"}
    contract_networks = {"encoder": "tiny"}

    def __init__(self, weight=1.0):
        self.weight = weight

    def step(self, ctx):
        stats = super().step(ctx)
        G, E = ctx.networks["generator"], ctx.networks["encoder"]
        z = ctx.latent()
        with ctx.phase("encoder") as phase:
            loss = self.weight * (E(G(z).detach()) - z).square().mean()
            phase.backward(loss)
        return {**stats, "recon": loss.detach()}


def recon_model():
    return ModelSpec(name="recon-mlp", generator="mlp", discriminator="mlp", objective="non-saturating",
                     summary="MLP GAN with an encoder", game="reconstruct", networks={"encoder": "tiny"},
                     generator_kwargs={"hidden": (16,)}, discriminator_kwargs={"hidden": (16,)},
                     defaults={"data": "ring8", "latent_dim": 4, "batch_size": 16})
'''

TINY = {"log_every": 5, "sample_every": 10, "checkpoint_every": 10, "threads": 1}


@pytest.fixture
def game_plugin(site):  # noqa: F811
    add_distribution(site, "ganzoo-recon", api="1.1", modules={"ganzoo_recon.py": GAME_SOURCE}, entry_points={
        "ganzoo.games": {"reconstruct": "ganzoo_recon:Reconstruct"},
        "ganzoo.encoders": {"tiny": "ganzoo_recon:TinyEncoder"},
        "ganzoo.models": {"recon-mlp": "ganzoo_recon:recon_model"},
    })
    registry.reset()
    return site


def test_a_third_party_game_trains_its_own_role_and_logs_its_scalars(tmp_path, game_plugin):
    trainer = start_run("recon-mlp", tmp_path / "run", {**TINY, "steps": 10}, progress=False)
    encoder_before = [p.detach().clone() for p in trainer.networks["encoder"].parameters()]
    assert trainer.fit() == "done"
    assert any(not torch.equal(a, b) for a, b in zip(encoder_before, trainer.networks["encoder"].parameters()))
    row = json.loads((tmp_path / "run" / "metrics.jsonl").read_text().splitlines()[-1])
    assert {"d_loss", "g_loss", "recon", "lr_g", "lr_d", "lr_encoder"} <= set(row)
    record = json.loads((tmp_path / "run" / "config.json").read_text())
    assert record["components"]["encoder"]["package"] == "ganzoo-recon"
    assert record["components"]["game"]["name"] == "reconstruct"


def test_settings_reach_the_game_and_the_added_role(tmp_path, game_plugin):
    trainer = start_run("recon-mlp", tmp_path / "run", {**TINY, "steps": 1, "game.weight": 0.5,
                                                         "encoder.scale": 2.0}, progress=False)
    assert trainer.game.weight == 0.5 and trainer.networks["encoder"].scale == 2.0
    assert trainer.config.networks == {"encoder": {"scale": 2.0}}


def test_an_unknown_setting_of_the_added_role_lists_what_it_accepts(tmp_path, game_plugin):
    from ganzoo.errors import ConfigError

    with pytest.raises(ConfigError, match="the encoder accepts scale"):
        start_run("recon-mlp", tmp_path / "run", {"encoder.depth": 3})


def test_checkpoint_holds_every_network_and_optimizer_and_resume_is_bit_exact(tmp_path, game_plugin):
    straight = start_run("recon-mlp", tmp_path / "a", {**TINY, "steps": 20}, progress=False)
    straight.fit()
    first = start_run("recon-mlp", tmp_path / "b", {**TINY, "steps": 10}, progress=False)
    first.fit()
    resumed = resume_run(tmp_path / "b", {"steps": 20}, progress=False)
    resumed.fit()
    for role in ("generator", "discriminator", "encoder"):
        a, b = straight.networks[role].state_dict(), resumed.networks[role].state_dict()
        assert all(torch.equal(a[k], b[k]) for k in a), role
    sidecar = json.loads((tmp_path / "b" / "checkpoints" / "step-000020.json").read_text())
    assert set(sidecar["optim"]) == {"g", "d", "encoder"}


def test_resume_refuses_to_change_the_added_role(tmp_path, game_plugin):
    from ganzoo.errors import ConfigError

    start_run("recon-mlp", tmp_path / "run", {**TINY, "steps": 1}, progress=False).fit()
    with pytest.raises(ConfigError, match="cannot change encoder.scale when resuming"):
        resume_run(tmp_path / "run", {"steps": 2, "encoder.scale": 3.0})


def test_sampling_a_game_run_uses_its_generator(tmp_path, game_plugin):
    trainer = start_run("recon-mlp", tmp_path / "run", {**TINY, "steps": 10}, progress=False)
    trainer.fit()
    generator, _, step = load_run(tmp_path / "run")
    assert step == 10
    assert all(torch.equal(a, b) for a, b in zip(generator.state_dict().values(),
                                                  trainer.G.state_dict().values()))


def test_the_contract_kit_checks_a_game_through_the_trainer(game_plugin):
    testing.check_game("ganzoo-recon:reconstruct")
    testing.check_plugin("ganzoo-recon")


def test_a_game_without_networks_for_its_roles_is_refused_by_the_kit(game_plugin):
    class Lonely(registry.get("game", "ganzoo-recon:reconstruct")):
        contract_networks = {}

    with pytest.raises(testing.ContractError, match="not registered"):
        testing.check_game(Lonely)


def test_a_recipe_missing_a_network_for_a_role_is_a_clear_error(tmp_path, game_plugin):
    from ganzoo.train.build import resolve_config

    spec = ModelSpec(name="half", generator="mlp", discriminator="mlp", objective="non-saturating",
                     game="ganzoo-recon:reconstruct")
    with pytest.raises(PluginError, match="needs a network \\(kind encoder\\) for the role 'encoder'"):
        resolve_config(spec, {})


def test_recipes_without_a_game_play_the_alternating_one(tmp_path):
    trainer = start_run("vanilla-mlp", tmp_path / "run", {**TINY, "data": "ring8", "steps": 1,
                                                          "generator.hidden": [8], "discriminator.hidden": [8]},
                        progress=False)
    assert type(trainer.game).__name__ == "Alternating"
    assert set(trainer.optimizers) == {"generator", "discriminator"}
    trainer.train_step()
    assert trainer.context.phases == ["discriminator", "generator"]


# ---------------------------------------------------------------- phases


def _context(optimizers):
    return StepContext(networks={}, optimizers=optimizers, objective=None, config=None, device=torch.device("cpu"),
                       dataset=None, data_rng=torch.Generator(), latent_rng=torch.Generator(), conditional=False)


def test_a_phase_zeroes_its_optimizers_and_steps_them_on_exit():
    net = nn.Linear(2, 1)
    net.weight.grad = torch.ones_like(net.weight)  # stale: must not reach the update
    ctx = _context({"d": torch.optim.SGD(net.parameters(), lr=1.0)})
    before = net.weight.detach().clone()
    with ctx.phase("d") as phase:
        phase.backward(net(torch.tensor([[1.0, 0.0]])).sum())
    assert torch.equal(net.weight.detach(), before - torch.tensor([[1.0, 0.0]]))


def test_a_phase_that_raises_does_not_step():
    net = nn.Linear(2, 1)
    ctx = _context({"d": torch.optim.SGD(net.parameters(), lr=1.0)})
    before = net.weight.detach().clone()
    with pytest.raises(RuntimeError, match="boom"), ctx.phase("d") as phase:
        phase.backward(net(torch.ones(1, 2)).sum())
        raise RuntimeError("boom")
    assert torch.equal(net.weight.detach(), before)


def test_a_phase_of_an_unknown_optimizer_names_the_known_ones():
    ctx = _context({"generator": torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=1.0)})
    with pytest.raises(KeyError, match="this game has \\['generator'\\]"), ctx.phase("gen"):
        pass


def test_game_may_build_a_role_for_other_data():
    from ganzoo.api import Game

    class Packed(Game):
        def network_data(self, role, data):
            return DataInfo((2 * data.numel,), data.bounded) if role == "discriminator" else data

    assert Packed().network_data("discriminator", DataInfo((2,), False)).shape == (4,)
