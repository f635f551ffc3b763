"""ALI/BiGAN and VEEGAN (ganzoo.zoo.joint), the MLP encoder and the VEEGAN-protocol recipes: the
discriminator judges (sample, latent) pairs of the right width and content, each side minimises
its paper's loss, and every recipe trains and resumes bit-exactly."""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from ganzoo import registry
from ganzoo.api import DataInfo
from ganzoo.errors import ConfigError
from ganzoo.train import resume_run, start_run
from ganzoo.zoo.encoders import MLPEncoder
from ganzoo.zoo.joint import ALI, VEEGAN, PairBatch
from ganzoo.zoo.mlp import MLPDiscriminator

LATENT = 4
RUN = {"log_every": 5, "sample_every": 10, "checkpoint_every": 5, "threads": 1, "batch_size": 16,
       "latent_dim": LATENT, "generator.hidden": [16], "discriminator.hidden": [16]}
INVERSE = {"ali-mlp": "encoder", "veegan-mlp": "reconstructor"}


def _settings(model: str, **more) -> dict:
    inverse = {f"{INVERSE[model]}.hidden": [16]} if model in INVERSE else {}
    return {**RUN, **inverse, **more}


def _inputs_of(module: nn.Module) -> list[torch.Tensor]:
    """Every input ``module`` is called with from now on."""
    seen: list[torch.Tensor] = []
    module.register_forward_pre_hook(lambda _, args: seen.append(args[0].detach().clone()))
    return seen


def test_the_discriminator_is_built_for_a_sample_and_a_latent_side_by_side(tmp_path):
    trainer = start_run("ali-mlp", tmp_path / "run", _settings("ali-mlp", latent_dim=7, steps=1), progress=False)
    assert trainer.game.latent_dim == 7
    assert trainer.networks["discriminator"].net[0].in_features == 2 + 7
    assert trainer.networks["encoder"].net[-1].out_features == 7


def test_the_latent_dim_of_a_game_is_the_runs_not_a_setting(tmp_path):
    with pytest.raises(ConfigError, match="unknown setting 'game.latent_dim'"):
        start_run("veegan-mlp", tmp_path / "run", _settings("veegan-mlp", **{"game.latent_dim": 3}))


@pytest.mark.parametrize("model, inverse", [("ali-mlp", "encoder"), ("veegan-mlp", "reconstructor")])
def test_real_pairs_hold_the_code_and_fake_pairs_the_latent(tmp_path, model, inverse):
    deterministic = {"game.reconstructor_std": 0.0} if model == "veegan-mlp" else {}
    trainer = start_run(model, tmp_path / "run", _settings(model, steps=1, **deterministic), progress=False)
    G, E = copy.deepcopy(trainer.networks["generator"]), copy.deepcopy(trainer.networks[inverse])
    seen = _inputs_of(trainer.networks["discriminator"])
    trainer.train_step()
    assert seen and all(x.shape == (16, 2 + LATENT) for x in seen)
    real, fake = seen[-2], seen[-1]  # the discriminator's phase: real pairs, then fake pairs
    with torch.no_grad():
        torch.testing.assert_close(real[:, 2:], E(real[:, :2]))
        torch.testing.assert_close(fake[:, :2], G(fake[:, 2:]))


def test_veegan_draws_the_real_pairs_latents_from_the_reconstructors_gaussian(tmp_path):
    trainer = start_run("veegan-mlp", tmp_path / "run", _settings("veegan-mlp", steps=1, batch_size=256),
                        progress=False)
    F_before = copy.deepcopy(trainer.networks["reconstructor"])
    seen = _inputs_of(trainer.networks["discriminator"])
    trainer.train_step()
    real = seen[-2]
    with torch.no_grad():
        noise = real[:, 2:] - F_before(real[:, :2])
    assert 0.9 < noise.std().item() < 1.1  # the released code's unit std


def _batch(latent_dim: int = 3, n: int = 8):
    torch.manual_seed(0)
    x, code, fake, z = torch.randn(n, 2), torch.randn(n, latent_dim), torch.randn(n, 2), torch.randn(n, latent_dim)
    return PairBatch(torch.cat([x, code], 1), torch.cat([fake, z], 1), fake, z, None)


class _Context:
    def __init__(self, networks):
        self.networks = networks
        self.objective = registry.create("objective", "non-saturating")


def test_ali_generator_and_encoder_minimise_the_discriminators_loss_with_labels_swapped():
    D = MLPDiscriminator(DataInfo((5,), False), hidden=(8,))
    batch = _batch()
    loss, extra = ALI(latent_dim=3).generator_side_loss(_Context({"discriminator": D}), batch)
    # -log D(G(z), z) - log(1 - D(x, E(x))), D(.) = sigmoid(logit)
    expected = F.softplus(-D(batch.fake_pairs)).mean() + F.softplus(D(batch.real_pairs)).mean()
    torch.testing.assert_close(loss, expected)
    assert extra == {}


def test_veegan_generator_side_loss_is_the_kl_estimate_plus_half_the_squared_error_of_z():
    D = MLPDiscriminator(DataInfo((5,), False), hidden=(8,))
    R = MLPEncoder(DataInfo((2,), False), latent_dim=3, hidden=(8,))
    batch = _batch()
    loss, extra = VEEGAN(latent_dim=3, reconstruction_weight=2.0).generator_side_loss(
        _Context({"discriminator": D, "reconstructor": R}), batch)
    reconstruction = 0.5 * ((batch.z - R(batch.fake)) ** 2).sum(1).mean()
    torch.testing.assert_close(extra["reconstruction"], reconstruction.detach())
    torch.testing.assert_close(loss, -D(batch.fake_pairs).mean() + 2.0 * reconstruction)


@pytest.mark.parametrize("weight, moves", [(0.0, False), (1.0, True)])
def test_the_reconstructor_learns_from_the_reconstruction_alone(tmp_path, weight, moves):
    trainer = start_run("veegan-mlp", tmp_path / "run",
                        _settings("veegan-mlp", steps=2, **{"game.reconstruction_weight": weight}), progress=False)
    before = [p.detach().clone() for p in trainer.networks["reconstructor"].parameters()]
    trainer.train_step()
    trainer.train_step()
    after = list(trainer.networks["reconstructor"].parameters())
    assert any(not torch.equal(a, b) for a, b in zip(before, after)) == moves


@pytest.mark.parametrize("update, phases", [("simultaneous", ["generator+encoder", "discriminator"]),
                                            ("alternating", ["discriminator", "generator+encoder"])])
def test_the_update_order_is_a_setting(tmp_path, update, phases):
    trainer = start_run("ali-mlp", tmp_path / "run", _settings("ali-mlp", steps=1, **{"game.update": update}),
                        progress=False)
    trainer.train_step()
    assert trainer.context.phases == phases


def test_an_unknown_update_order_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="update must be one of simultaneous, alternating"):
        start_run("ali-mlp", tmp_path / "run", _settings("ali-mlp", **{"game.update": "both"}))


@pytest.mark.parametrize("model", ["veegan-gan-mlp", "ali-mlp", "veegan-mlp"])
def test_each_veegan_protocol_recipe_trains_and_resumes_bit_exactly(tmp_path, model):
    straight = start_run(model, tmp_path / "a", _settings(model, steps=10), progress=False)
    assert straight.fit() == "done"
    first = start_run(model, tmp_path / "b", _settings(model, steps=5), progress=False)
    first.fit()
    resumed = resume_run(tmp_path / "b", {"steps": 10}, progress=False)
    resumed.fit()
    for role, net in straight.networks.items():
        a, b = net.state_dict(), resumed.networks[role].state_dict()
        assert all(torch.equal(a[k], b[k]) for k in a), role


def test_the_veegan_protocol_recipes_share_their_networks():
    specs = [registry.get("model", name) for name in ("veegan-gan-mlp", "ali-mlp", "veegan-mlp")]
    assert all(s.generator_kwargs == specs[0].generator_kwargs for s in specs)
    assert all(s.discriminator_kwargs == specs[0].discriminator_kwargs for s in specs)
    assert all(s.defaults == specs[0].defaults for s in specs)
    assert specs[1].network_kwargs["encoder"] == specs[2].network_kwargs["reconstructor"]


def test_the_mlp_encoder_flattens_images_and_appends_labels():
    encoder = MLPEncoder(DataInfo((1, 8, 8), True), latent_dim=5, num_classes=3, hidden=(8,))
    assert encoder.net[0].in_features == 64 + 3
    assert encoder(torch.randn(4, 1, 8, 8), torch.tensor([0, 1, 2, 0])).shape == (4, 5)


def test_the_mlp_discriminator_takes_relu_and_refuses_unknown_activations():
    relu = MLPDiscriminator(DataInfo((2,), False), hidden=(8, 8), activation="relu")
    assert sum(isinstance(m, nn.ReLU) for m in relu.modules()) == 2
    with pytest.raises(ValueError, match="activation must be one of leaky_relu, relu"):
        MLPDiscriminator(DataInfo((2,), False), activation="tanh")
