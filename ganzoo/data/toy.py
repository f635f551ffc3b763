"""Synthetic 2-D mixtures of Gaussians from the mode-collapse literature (PacGAN, VEEGAN)."""

from __future__ import annotations

import math

import torch

from ganzoo.api import DataInfo
from ganzoo.data.base import Dataset

_TEST_SIZE = 2500


class GaussianMixture2D(Dataset):
    """Equal-weight isotropic Gaussians at ``modes`` with std ``mode_std``; unbounded points."""

    def __init__(self, modes: torch.Tensor, mode_std: float, **options):
        super().__init__(**options)
        self.modes = modes.float()
        self.mode_std = float(mode_std)
        self.info = DataInfo((2,), bounded=False)

    def _draw(self, n: int, generator: torch.Generator) -> torch.Tensor:
        k = torch.randint(len(self.modes), (n,), generator=generator)
        noise = torch.randn(n, 2, generator=generator) * self.mode_std
        return self.modes[k] + noise

    def sample(self, n, generator):
        return self._draw(n, generator), None

    def test_split(self):
        # A fixed held-out draw, deterministic from the dataset's seed.
        g = torch.Generator().manual_seed(self.seed + 1_000_003)
        return self._draw(_TEST_SIZE, g), None


class Ring8(GaussianMixture2D):
    """8 Gaussians evenly spaced on a circle of radius 1, std 0.01."""

    name = "ring8"
    citation = "Synthetic ring of 8 Gaussians (Metz et al. 2017; PacGAN, VEEGAN benchmarks)."

    def __init__(self, **options):
        angles = torch.arange(8, dtype=torch.float64) * (2 * math.pi / 8)
        modes = torch.stack([angles.cos(), angles.sin()], dim=1)
        super().__init__(modes, 0.01, **options)


class Grid25(GaussianMixture2D):
    """25 Gaussians on the grid {-4, -2, 0, 2, 4}^2, std 0.05."""

    name = "grid25"
    citation = "Synthetic 5x5 grid of Gaussians (PacGAN, VEEGAN benchmarks)."

    def __init__(self, **options):
        axis = torch.tensor([-4.0, -2.0, 0.0, 2.0, 4.0])
        modes = torch.cartesian_prod(axis, axis)
        super().__init__(modes, 0.05, **options)
