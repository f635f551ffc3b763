import pytest
import torch
from torch.nn.utils import parametrize

from ganzoo.api import DataInfo
from ganzoo.zoo.conv import DCGANDiscriminator, DCGANGenerator, plan

SHAPES = [(1, 8, 8), (1, 28, 28), (3, 32, 32), (3, 64, 64)]


@pytest.mark.parametrize("shape, expected", list(zip(SHAPES, [(4, 4, 1), (7, 7, 2), (4, 4, 3), (4, 4, 4)])))
def test_plan_halves_each_side_down_to_the_base_grid(shape, expected):
    assert plan(DataInfo(shape, bounded=True), "net") == expected


@pytest.mark.parametrize("shape", SHAPES)
def test_generator_and_discriminator_size_themselves_from_the_image(shape):
    info = DataInfo(shape, bounded=True)
    G, D = DCGANGenerator(info, latent_dim=8, width=8), DCGANDiscriminator(info, width=8)
    x = G(G.sample_latent(2))
    assert x.shape == (2, *shape) and x.abs().max() <= 1
    assert D(x).shape == (2,)


def test_channels_double_away_from_the_image():
    G = DCGANGenerator(DataInfo((3, 64, 64), bounded=True), width=16)
    outs = [m.out_channels for m in G.upsample if isinstance(m, torch.nn.ConvTranspose2d)]
    assert G.base == (128, 4, 4) and outs == [64, 32, 16, 3]


@pytest.mark.parametrize("cls", [DCGANGenerator, DCGANDiscriminator])
def test_points_are_refused(cls):
    with pytest.raises(ValueError, match="built for images"):
        cls(DataInfo((2,), bounded=False))


def test_odd_image_sides_are_refused():
    with pytest.raises(ValueError, match="divisible by 2"):
        DCGANGenerator(DataInfo((1, 7, 7), bounded=True))


def test_layer_norm_discriminator_has_no_batchnorm():
    D = DCGANDiscriminator(DataInfo((1, 28, 28), bounded=True), width=8, norm="layer")
    assert any(isinstance(m, torch.nn.GroupNorm) for m in D.net)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in D.net)


def test_unknown_norm_is_refused():
    with pytest.raises(ValueError, match="norm must be one of"):
        DCGANDiscriminator(DataInfo((1, 8, 8), bounded=True), norm="instance")


def test_spectral_norm_parametrizes_every_discriminator_layer():
    D = DCGANDiscriminator(DataInfo((1, 28, 28), bounded=True), width=8, norm="none", spectral_norm=True)
    layers = [m for m in D.net if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    assert len(layers) == 3 and all(parametrize.is_parametrized(m, "weight") for m in layers)


def test_conditional_networks_use_labels():
    info = DataInfo((1, 8, 8), bounded=True, num_classes=3)
    G, D = DCGANGenerator(info, latent_dim=4, num_classes=3, width=8), DCGANDiscriminator(info, 3, width=8)
    G.eval(), D.eval()
    z, labels = torch.randn(3, 4), torch.tensor([0, 1, 2])
    assert not torch.equal(G(z, labels), G(z, (labels + 1) % 3))
    x = G(z, labels)
    assert not torch.equal(D(x, labels), D(x, (labels + 1) % 3))


@pytest.mark.parametrize("cls, kwargs, words", [
    (DCGANGenerator, {"width": -1}, "width must be a whole number >= 1, got -1"),
    (DCGANDiscriminator, {"width": 0.5}, "width must be a whole number >= 1, got 0.5"),
    (DCGANDiscriminator, {"spectral_norm": "yes"}, "spectral_norm must be true or false"),
    (DCGANDiscriminator, {"minibatch_std": -1}, "minibatch_std must be a whole number >= 0, got -1"),
    (DCGANGenerator, {"extra_layers": 1.5}, "extra_layers must be a whole number >= 0, got 1.5"),
])
def test_bad_arguments_are_value_errors_naming_them(cls, kwargs, words):
    with pytest.raises(ValueError) as err:
        cls(DataInfo((1, 8, 8), bounded=True), **kwargs)
    assert words in str(err.value)


def test_extra_layers_add_three_by_three_convolutions_below_the_image():
    info = DataInfo((3, 8, 8), bounded=True)
    G, D = DCGANGenerator(info, width=8, extra_layers=2), DCGANDiscriminator(info, width=8, extra_layers=2)
    for net in (G.upsample, D.net):
        assert sum(isinstance(m, torch.nn.Conv2d) and m.kernel_size == (3, 3) for m in net) == 2
    assert D(G(G.sample_latent(4))).shape == (4,)


def test_without_the_options_the_networks_keep_their_checkpoint_names():
    """Runs trained before extra_layers and minibatch_std existed still load."""
    info = DataInfo((3, 8, 8), bounded=True)
    assert list(DCGANDiscriminator(info, norm="none").state_dict()) == ["net.0.weight", "net.0.bias", "net.3.weight",
                                                                       "net.3.bias"]
    assert list(DCGANGenerator(info).state_dict())[-2:] == ["upsample.0.weight", "upsample.0.bias"]


def test_minibatch_std_lets_a_score_depend_on_its_group_only():
    torch.manual_seed(0)
    info = DataInfo((1, 8, 8), bounded=True)
    D = DCGANDiscriminator(info, width=8, norm="none", minibatch_std=2)  # batch of 4: groups {0, 2} and {1, 3}
    x = torch.randn(4, 1, 8, 8)
    changed = x.clone()
    changed[2] += 1
    before, after = D(x), D(changed)
    assert not torch.isclose(before[0], after[0]) and torch.equal(before[[1, 3]], after[[1, 3]])
    plain = DCGANDiscriminator(info, width=8, norm="none")
    assert torch.equal(plain(x)[0], plain(changed)[0])


def test_minibatch_std_refuses_a_batch_it_cannot_group():
    D = DCGANDiscriminator(DataInfo((1, 8, 8), bounded=True), width=8, norm="none", minibatch_std=4)
    with pytest.raises(ValueError, match="minibatch_std=4 needs batches that divide by it, got a batch of 6"):
        D(torch.randn(6, 1, 8, 8))
