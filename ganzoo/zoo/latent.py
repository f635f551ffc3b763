"""Latent priors a generator can draw from besides the standard normal.

A Gaussian-mixture prior (after DeLiGAN, Gurumurthy et al. 2017) puts the latent mass in
``components`` small, well-separated clusters. A generator then has empty latent space
between its clusters in which to jump from one data mode to the next, so it need not spend
samples on the "bridges" a continuous prior forces between disconnected modes. Unlike
DeLiGAN's, the centres are not learned: they are fixed at construction from a seed and
stored as a buffer, so they travel with the generator's checkpoint.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ganzoo.zoo.arguments import number, whole_number


class GaussianMixturePrior(nn.Module):
    """Equal-weight mixture of ``components`` isotropic Gaussians in ``dim`` dimensions.

    Centres are standard-normal draws (seeded by ``seed``, not by the run), each component
    has standard deviation ``std``. ``sample`` draws the component and the offset from the
    caller's ``torch.Generator``, so a run's latents stay reproducible.
    """

    def __init__(self, dim: int, components: int, std: float = 0.1, seed: int = 0):
        super().__init__()
        dim, seed = whole_number("dim", dim, 1), whole_number("seed", seed, 0)
        components = whole_number("components", components, 1)
        self.std = number("std", std, above=0)
        centres = torch.randn(components, dim, generator=torch.Generator().manual_seed(seed))
        self.register_buffer("centres", centres)

    def sample(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """``n`` draws, shape ``(n, dim)``, on the CPU."""
        k = torch.randint(len(self.centres), (n,), generator=generator)
        noise = torch.randn(n, self.centres.shape[1], generator=generator)
        return self.centres.cpu()[k] + self.std * noise
