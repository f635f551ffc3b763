import pytest
import torch

from ganzoo import registry, testing
from ganzoo.errors import ConfigError
from ganzoo.train.build import build, resolve_config
from ganzoo.zoo import recipes
from ganzoo.zoo.maxout import Maxout

POINT_MODELS = ["lsgan-mlp", "wgan-mlp", "wgan-gp-mlp", "sngan-mlp", "r1-gan-mlp", "r1-gan-mlp-matched"]
IMAGE_MODELS = ["goodfellow2014", "dcgan", "lsgan", "wgan", "wgan-gp", "sngan", "r1-gan"]
ZOO = [*POINT_MODELS, *IMAGE_MODELS, "cgan"]


def _build(name, **overrides):
    return build(resolve_config(name, overrides), torch.device("cpu"))


@pytest.mark.parametrize("name", ZOO)
def test_recipe_is_registered_under_its_own_name_with_a_paper(name):
    spec = registry.get("model", f"ganzoo:{name}")
    assert spec.name == name
    testing.check_metadata(spec, require_paper=True)


@pytest.mark.parametrize("name", ZOO)
def test_recipe_settings_are_accepted_by_its_components(name):
    config = resolve_config(name, {})
    assert config.model == name


@pytest.mark.parametrize("name", POINT_MODELS)
def test_point_models_refuse_images(name):
    with pytest.raises(ConfigError, match="built for 2-D points"):
        _build(name, data="digits")


@pytest.mark.parametrize("name", IMAGE_MODELS)
def test_image_models_refuse_points(name):
    with pytest.raises(ConfigError, match="images"):
        _build(name, data="ring8")


def test_goodfellow2014_builds_the_papers_networks():
    parts = _build("goodfellow2014")
    widths = [m.out_features for m in parts.generator.net if isinstance(m, torch.nn.Linear)]
    assert widths == [1200, 1200, 64] and isinstance(parts.generator.net[-1], torch.nn.Sigmoid)
    assert [(m.units, m.pieces) for m in parts.discriminator.net if isinstance(m, Maxout)] == [(240, 5)] * 2
    config = resolve_config("goodfellow2014", {})
    assert (config.optimizer, config.momentum, config.d_steps) == ("sgd", 0.5, 1)
    # the released code's lr 0.1 on a D cost of half ganzoo's, and its small initial weights
    assert (config.lr, config.d_lr, config.batch_size) == (0.1, 0.05, 100)
    g_first = parts.generator.net[0].weight
    d_first = next(m for m in parts.discriminator.net if isinstance(m, Maxout)).linear.weight
    assert abs(g_first.std().item() - 0.05 / 3**0.5) < 0.002 and abs(d_first.std().item() - 0.005 / 3**0.5) < 0.0002


def test_wgan_clips_with_rmsprop_and_five_critic_steps():
    config = resolve_config("wgan", {})
    assert (config.optimizer, config.lr, config.d_steps, config.objective) == ("rmsprop", 5e-5, 5, {"clip": 0.01})
    assert "betas" not in recipes.wgan.defaults


def test_wgan_gp_uses_the_papers_optimizer_and_a_batchnorm_free_critic():
    config = resolve_config("wgan-gp", {})
    assert (config.lr, config.betas, config.d_steps) == (1e-4, (0.0, 0.9), 5)
    assert config.objective == {"gp_weight": 10.0}
    parts = _build("wgan-gp")
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in parts.discriminator.modules())


def test_cgan_is_conditional_on_digit_labels():
    parts = _build("cgan")
    assert parts.generator.num_classes == 10 and parts.discriminator.num_classes == 10


def test_r1_gan_mlp_matched_is_the_mixture_recipe_sampled_live_with_a_faster_discriminator():
    matched, mixture = resolve_config("r1-gan-mlp-matched", {}), resolve_config("r1-gan-mlp-mixture", {})
    assert (matched.ema, matched.d_lr, matched.lr, matched.lr_decay) == (0.0, 3e-3, 1e-3, "linear")
    assert matched.generator == mixture.generator and matched.discriminator == mixture.discriminator
    assert matched.objective == mixture.objective
    trainer_parts = _build("r1-gan-mlp-matched")
    assert trainer_parts.generator.prior is not None  # the mixture-of-Gaussians latent prior
