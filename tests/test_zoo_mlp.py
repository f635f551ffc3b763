import pytest
import torch
from torch.nn.utils import parametrize

from ganzoo.api import DataInfo
from ganzoo.zoo.mlp import MLPDiscriminator, MLPGenerator


def test_generator_matches_the_tutorial_layout_for_images():
    G = MLPGenerator(DataInfo((1, 8, 8), bounded=True))
    widths = [m.out_features for m in G.net if isinstance(m, torch.nn.Linear)]
    assert widths == [256, 512, 1024, 64]
    assert isinstance(G.net[-1], torch.nn.Tanh)
    assert sum(isinstance(m, torch.nn.BatchNorm1d) for m in G.net) == 2


def test_generator_output_is_linear_for_unbounded_points():
    G = MLPGenerator(DataInfo((2,), bounded=False))
    assert isinstance(G.net[-1], torch.nn.Linear)
    assert G(G.sample_latent(5)).shape == (5, 2)


def test_discriminator_returns_one_logit_per_sample():
    D = MLPDiscriminator(DataInfo((1, 8, 8), bounded=True))
    assert D(torch.randn(7, 1, 8, 8)).shape == (7,)


def test_conditional_networks_use_labels():
    info = DataInfo((2,), bounded=False, num_classes=3)
    G, D = MLPGenerator(info, latent_dim=4, num_classes=3), MLPDiscriminator(info, num_classes=3)
    z, labels = torch.randn(6, 4), torch.tensor([0, 1, 2, 0, 1, 2])
    G.eval()
    assert not torch.equal(G(z, labels), G(z, (labels + 1) % 3))
    assert D(G(z, labels), labels).shape == (6,)


def test_sample_latent_is_reproducible_from_a_generator():
    G = MLPGenerator(DataInfo((2,), bounded=False), latent_dim=10)
    a = G.sample_latent(4, torch.Generator().manual_seed(3))
    b = G.sample_latent(4, torch.Generator().manual_seed(3))
    assert a.shape == (4, 10) and torch.equal(a, b)


def test_sigmoid_output_is_mapped_to_the_image_range():
    G = MLPGenerator(DataInfo((1, 8, 8), bounded=True), output="sigmoid")
    with torch.no_grad():
        G.net[-2].bias.fill_(-50.0)  # sigmoid ~ 0 everywhere
        x = G(G.sample_latent(3))
    torch.testing.assert_close(x, torch.full_like(x, -1.0))


def test_sigmoid_output_is_refused_for_unbounded_points():
    with pytest.raises(ValueError, match="sigmoid output needs bounded data"):
        MLPGenerator(DataInfo((2,), bounded=False), output="sigmoid")


def test_relu_activation_and_no_batchnorm():
    G = MLPGenerator(DataInfo((2,), bounded=False), hidden=(8, 8), batchnorm=False, activation="relu")
    assert sum(isinstance(m, torch.nn.ReLU) for m in G.net) == 2
    assert not any(isinstance(m, (torch.nn.BatchNorm1d, torch.nn.LeakyReLU)) for m in G.net)


@pytest.mark.parametrize("cls", [MLPGenerator, MLPDiscriminator])
def test_data_kind_points_refuses_images(cls):
    with pytest.raises(ValueError, match="built for 2-D points"):
        cls(DataInfo((1, 8, 8), bounded=True), data_kind="points")


def test_spectral_norm_parametrizes_every_discriminator_layer():
    D = MLPDiscriminator(DataInfo((2,), bounded=False), hidden=(16, 16), spectral_norm=True)
    linears = [m for m in D.net if isinstance(m, torch.nn.Linear)]
    assert len(linears) == 3 and all(parametrize.is_parametrized(m, "weight") for m in linears)


def test_relu_layers_start_with_he_initialisation():
    G = MLPGenerator(DataInfo((2,), bounded=False), latent_dim=100, hidden=(2000,), activation="relu")
    assert abs(G.net[0].weight.std().item() - (2 / 100) ** 0.5) < 0.01
    assert G.net[0].bias.abs().max() == 0


def test_mixture_prior_draws_near_its_fixed_centres():
    G = MLPGenerator(DataInfo((2,), bounded=False), latent_dim=3, latent_components=5, latent_std=0.01)
    z = G.sample_latent(400, torch.Generator().manual_seed(0))
    assert z.shape == (400, 3)
    distance = torch.cdist(z, G.prior.centres).min(dim=1).values
    assert distance.max() < 0.1  # every draw sits within 10 std of a centre
    assert len(torch.cdist(z, G.prior.centres).argmin(dim=1).unique()) == 5
    again = MLPGenerator(DataInfo((2,), bounded=False), latent_dim=3, latent_components=5, latent_std=0.01)
    assert torch.equal(again.prior.centres, G.prior.centres)  # fixed by construction, not by the run
    assert torch.equal(z, again.sample_latent(400, torch.Generator().manual_seed(0)))


def test_mixture_prior_centres_travel_with_the_state_dict():
    G = MLPGenerator(DataInfo((2,), bounded=False), latent_dim=2, latent_components=4)
    assert "prior.centres" in G.state_dict()


@pytest.mark.parametrize("kwargs, words", [({"latent_components": -1}, "latent_components must be .* >= 0"),
                                           ({"latent_components": 3, "latent_std": 0.0}, "latent_std must be .* > 0")])
def test_mixture_prior_bad_settings_are_clear_errors(kwargs, words):
    with pytest.raises(ValueError, match=words):
        MLPGenerator(DataInfo((2,), bounded=False), **kwargs)


@pytest.mark.parametrize("cls, kwargs, words", [
    (MLPGenerator, {"hidden": -3}, "hidden must be a whole number >= 1, got -3"),
    (MLPGenerator, {"hidden": 1.5}, "hidden must be a whole number >= 1, got 1.5"),
    (MLPGenerator, {"hidden": "abc"}, "hidden must be a width or a list of widths"),
    (MLPDiscriminator, {"hidden": 0}, "hidden must be a whole number >= 1, got 0"),
    (MLPGenerator, {"batchnorm": "maybe"}, "batchnorm must be true or false"),
    (MLPGenerator, {"activation": ["relu"]}, "activation must be one of"),
    (MLPGenerator, {"latent_components": 2.5}, "latent_components must be a whole number"),
    (MLPGenerator, {"latent_std": float("nan")}, "latent_std must be a finite number > 0"),
    (MLPDiscriminator, {"spectral_norm": 1}, "spectral_norm must be true or false"),
    (MLPDiscriminator, {"fourier_features": -1}, "fourier_features must be a whole number"),
    (MLPDiscriminator, {"fourier_features": 4, "fourier_scale": 0}, "fourier_scale must be a finite number > 0"),
    (MLPGenerator, {"output_bias": "mean"}, "output_bias must be 'zero' or 'marginals'"),
])
def test_bad_arguments_are_value_errors_naming_them(cls, kwargs, words):
    with pytest.raises(ValueError) as err:
        cls(DataInfo((2,), bounded=False), **kwargs)
    assert words in str(err.value)


@pytest.mark.parametrize("cls", [MLPGenerator, MLPDiscriminator])
def test_no_hidden_layers_leaves_one_linear_map(cls):
    net = cls(DataInfo((2,), bounded=False), hidden=[])
    assert [type(m).__name__ for m in net.net] == ["Linear"]


def test_batchnorm_first_normalises_every_hidden_layer():
    G = MLPGenerator(DataInfo((2,), bounded=False), hidden=(16, 16, 16), batchnorm_first=True)
    assert sum(isinstance(m, torch.nn.BatchNorm1d) for m in G.net) == 3


def test_init_std_draws_linear_weights_from_that_normal_and_zeroes_biases():
    G = MLPGenerator(DataInfo((2,), bounded=False), hidden=(400, 400), activation="relu", init_std=0.02)
    linears = [m for m in G.net if isinstance(m, torch.nn.Linear)]
    weights = torch.cat([m.weight.flatten() for m in linears])
    assert abs(weights.std().item() - 0.02) < 0.001 and not any(m.bias.any() for m in linears)


@pytest.mark.parametrize("output", ["sigmoid", "tanh"])
def test_marginal_output_biases_start_every_pixel_at_the_datas_mean(output):
    info = DataInfo((1, 4, 4), bounded=True)
    means = torch.linspace(-0.9, 0.9, 16).view(1, 4, 4)
    draws = []

    def draw(n):
        draws.append(n)
        return means.expand(n, 1, 4, 4) + 0.05 * torch.randn(n, 1, 4, 4, generator=torch.Generator().manual_seed(0))

    G = MLPGenerator(info, latent_dim=4, hidden=(8,), output=output, init_std=1e-6, output_bias="marginals")
    with torch.no_grad():
        G.init_from_data(draw)
        out = G(torch.zeros(3, 4))
    assert draws == [G.MARGINAL_SAMPLES]
    assert torch.allclose(out, means.expand(3, 1, 4, 4), atol=2e-3)


def test_output_bias_zero_leaves_the_generator_and_draws_nothing():
    G = MLPGenerator(DataInfo((1, 4, 4), bounded=True), latent_dim=4, hidden=(8,))
    before = {k: v.clone() for k, v in G.state_dict().items()}
    G.init_from_data(lambda n: pytest.fail("drew data"))
    assert all(torch.equal(before[k], v) for k, v in G.state_dict().items())


def test_fourier_features_join_the_input_and_travel_in_the_state_dict():
    torch.manual_seed(0)
    plain = MLPDiscriminator(DataInfo((2,), bounded=False), hidden=[8])
    assert "frequencies" not in plain.state_dict()  # the option off: a checkpoint keeps its names
    net = MLPDiscriminator(DataInfo((2,), bounded=False), hidden=[8], fourier_features=16, fourier_scale=5.0)
    assert net.frequencies.shape == (2, 16) and net.net[0].in_features == 2 + 2 * 16
    assert 3.0 < net.frequencies.std().item() < 7.0  # drawn at the scale asked for
    copy = MLPDiscriminator(DataInfo((2,), bounded=False), hidden=[8], fourier_features=16)
    copy.load_state_dict(net.state_dict())
    x = torch.randn(5, 2)
    assert torch.equal(copy(x), net(x))  # the frequencies came with the weights
    # a shift of a tenth of a cycle changes the features a lot: D sees detail that fine
    features = lambda x: torch.cat([(2 * torch.pi * x @ net.frequencies).sin(), (2 * torch.pi * x @ net.frequencies).cos()], 1)
    assert (features(x) - features(x + 0.02)).abs().mean() > 0.1
