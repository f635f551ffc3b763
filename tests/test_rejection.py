"""ganzoo.rejection: discriminator rejection sampling."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from ganzoo import registry
from ganzoo.api import DataInfo, Generator
from ganzoo.errors import ConfigError
from ganzoo.metrics.modes import mode_coverage
from ganzoo.rejection import RejectionSampler, RejectionSettings, fit_rejection
from ganzoo.sampling import sample
from ganzoo.zoo.mlp import MLPGenerator


class Gaussian(Generator):
    """Points N(0, std^2 I) in 2-D: z * std."""

    def __init__(self, std):
        super().__init__(DataInfo((2,), bounded=False), latent_dim=2)
        self.std = nn.Parameter(torch.tensor(float(std)), requires_grad=False)

    def forward(self, z, labels=None):
        return z * self.std


class LogRatio(nn.Module):
    """The exact log density ratio of N(0, target^2 I) over N(0, base^2 I) in 2-D."""

    def __init__(self, base, target):
        super().__init__()
        self.base, self.target = base, target

    def forward(self, x):
        r2 = (x**2).sum(1)
        return 2 * math.log(self.base / self.target) - r2 / (2 * self.target**2) + r2 / (2 * self.base**2)


def test_the_exact_ratio_turns_the_generators_distribution_into_the_targets():
    base = Gaussian(1.0)
    sampler = RejectionSampler(base, LogRatio(1.0, 0.5), threshold=2 * math.log(2.0))  # its largest value
    x = _points(sampler, 20_000, seed=3)
    assert np.std(x) == pytest.approx(0.5, rel=0.03)  # 1.0 before: a quarter of the samples kept
    assert np.array_equal(x, _points(sampler, 20_000, seed=3))  # the same seed, the same samples


def _points(generator, n, seed):
    z = generator.sample_latent(n, torch.Generator().manual_seed(seed))
    assert z.shape == (n, 2)
    return generator(z).numpy()


def test_a_fitted_sampler_corrects_a_generator_wider_than_the_data():
    # the ring's 8 modes, each drawn twice as wide as the data's: spread 2 before
    data = registry.create("dataset", "ring8")

    class Wide(Generator):
        def __init__(self):
            super().__init__(data.info, latent_dim=3)
            self.unused = nn.Parameter(torch.zeros(1))

        def forward(self, z, labels=None):
            k = (torch.special.ndtr(z[:, 2]) * 8).long().clamp(max=7)
            return data.modes[k] + z[:, :2] * (2 * data.mode_std)

    wide = Wide()
    before = mode_coverage(sample(wide, data, 2500, seed=0), data.modes.numpy(), data.mode_std)
    sampler = fit_rejection(wide, data, seed=0, settings=RejectionSettings(steps=300, fourier_scale=4.0, pool=4096))
    after = mode_coverage(sample(sampler, data, 2500, seed=0), data.modes.numpy(), data.mode_std)
    assert before["high_quality"] < 0.7 and after["high_quality"] > 0.9
    assert after["modes"] == 8 and after["reverse_kl"] < 0.05


def test_a_classifier_that_rejects_everything_is_a_clear_error():
    sampler = RejectionSampler(Gaussian(1.0), LogRatio(1.0, 0.5), threshold=1e6, max_draws=10)
    with pytest.raises(ConfigError, match="rejects nearly everything"):
        sampler.sample_latent(10, torch.Generator().manual_seed(0))


def test_conditional_generators_and_bad_settings_are_refused():
    conditional = MLPGenerator(DataInfo((2,), bounded=False), latent_dim=2, num_classes=3)
    with pytest.raises(ConfigError, match="unconditional"):
        fit_rejection(conditional, registry.create("dataset", "ring8"))
    with pytest.raises(ValueError, match="quantile"):
        RejectionSettings(quantile=0)
