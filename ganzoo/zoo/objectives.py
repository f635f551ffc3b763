"""The GAN games of the zoo, and the discriminator regularizers every one of them takes.

BCE games are written on the loss front door ``ganzoo.ops``; the others work on the
discriminator's raw outputs. Every objective accepts the same regularizer settings
(all off by default), so any model can switch one on with ``--set``:

- ``gp_weight``: WGAN-GP gradient penalty weight (10 in the paper);
- ``r1_gamma`` and ``r1_every``: R1 penalty ``gamma / 2 * E||grad D(x)||^2`` on real
  data, applied lazily every ``r1_every`` generator steps and scaled by ``r1_every``
  so its average strength is unchanged;
- ``clip``: clamp the discriminator's parameters to ``[-clip, clip]`` after each update.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ganzoo import ops
from ganzoo.api import Discriminator, Objective
from ganzoo.zoo import regularizers
from ganzoo.zoo.arguments import number, whole_number

_REGULARIZER_DEFAULTS = {"gp_weight": 0.0, "r1_gamma": 0.0, "r1_every": 1, "clip": None}


class RegularizedObjective(Objective):
    """Base of the zoo's objectives: optional gradient penalty, R1 and weight clipping."""

    def __init__(self, gp_weight: float = 0.0, r1_gamma: float = 0.0, r1_every: int = 1,
                 clip: float | None = None):
        self.gp_weight = number("gp_weight", gp_weight, at_least=0)
        self.r1_gamma = number("r1_gamma", r1_gamma, at_least=0)
        self.r1_every = whole_number("r1_every", r1_every, 1)
        self.clip = None if clip is None else number("clip", clip, above=0, hint=" (or none: no clipping)")

    def penalty(self, discriminator: Discriminator, real: Tensor, fake: Tensor, step: int,
                labels: Tensor | None = None) -> Tensor | None:
        lazy_r1 = self.r1_gamma > 0 and step % self.r1_every == 0
        if not (self.gp_weight > 0 or lazy_r1):
            return None
        total = torch.zeros((), device=real.device)
        if self.gp_weight > 0:
            total = total + self.gp_weight * regularizers.gradient_penalty(discriminator, real, fake, labels)
        if lazy_r1:
            total = total + (self.r1_gamma / 2 * self.r1_every) * regularizers.r1_penalty(discriminator, real, labels)
        return total

    def after_discriminator_step(self, discriminator: Discriminator) -> None:
        if self.clip is not None:
            regularizers.clip_weights(discriminator, self.clip)

    def _settings(self) -> dict:
        """Constructor settings shown by ``repr``: regularizers only when switched on."""
        return {k: getattr(self, k) for k, default in _REGULARIZER_DEFAULTS.items() if getattr(self, k) != default}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v}' for k, v in self._settings().items())})"


class _BCEGame(RegularizedObjective):
    """Shared discriminator side: real → ``real_target`` (1.0, or 0.9 to smooth), fake → 0."""

    def __init__(self, real_target: float = 1.0, gp_weight: float = 0.0, r1_gamma: float = 0.0,
                 r1_every: int = 1, clip: float | None = None):
        super().__init__(gp_weight, r1_gamma, r1_every, clip)
        self.real_target = number("real_target", real_target, at_least=0, at_most=1)

    def discriminator_loss(self, real_logits: Tensor, fake_logits: Tensor) -> Tensor:
        return ops.gan_pair_bce(real_logits, fake_logits, real_target=self.real_target)

    def _settings(self) -> dict:
        return {"real_target": self.real_target, **super()._settings()}


class Minimax(_BCEGame):
    """The original saturating game: G minimises E[log(1 - D(G(z)))] (Goodfellow et al. 2014)."""

    summary = "Original minimax GAN loss (saturating generator loss)"

    def generator_loss(self, fake_logits: Tensor, real_logits: Tensor | None = None) -> Tensor:
        # log(1 - sigmoid(x)) = -BCE(x, 0)
        return -ops.bce_with_logits(fake_logits, 0.0)


class NonSaturating(_BCEGame):
    """The non-saturating game: G maximises E[log D(G(z))] (Goodfellow et al. 2014, sec. 3)."""

    summary = "Non-saturating GAN loss: G maximises log D(G(z))"

    def generator_loss(self, fake_logits: Tensor, real_logits: Tensor | None = None) -> Tensor:
        return ops.bce_with_logits(fake_logits, 1.0)


class LeastSquares(RegularizedObjective):
    """LSGAN with targets a=0 (fake), b=1 (real), c=1 (G): D minimises
    ½E[(D(x)-1)²] + ½E[D(G(z))²], G minimises ½E[(D(G(z))-1)²] (Mao et al. 2017)."""

    summary = "Least-squares GAN loss (LSGAN, targets 0/1/1)"

    def discriminator_loss(self, real_logits: Tensor, fake_logits: Tensor) -> Tensor:
        return 0.5 * (real_logits - 1).square().mean() + 0.5 * fake_logits.square().mean()

    def generator_loss(self, fake_logits: Tensor, real_logits: Tensor | None = None) -> Tensor:
        return 0.5 * (fake_logits - 1).square().mean()


class Wasserstein(RegularizedObjective):
    """Wasserstein critic: D maximises E[D(x)] - E[D(G(z))], G maximises E[D(G(z))]
    (Arjovsky et al. 2017). Needs a Lipschitz critic: set ``clip`` or ``gp_weight``."""

    summary = "Wasserstein GAN loss (pair with clip=0.01 or gp_weight=10)"

    def discriminator_loss(self, real_logits: Tensor, fake_logits: Tensor) -> Tensor:
        return fake_logits.mean() - real_logits.mean()

    def generator_loss(self, fake_logits: Tensor, real_logits: Tensor | None = None) -> Tensor:
        return -fake_logits.mean()


class Hinge(RegularizedObjective):
    """Hinge loss: D minimises E[relu(1 - D(x))] + E[relu(1 + D(G(z)))], G maximises
    E[D(G(z))] (Lim & Ye 2017; Miyato et al. 2018)."""

    summary = "Hinge GAN loss (SNGAN, SAGAN)"

    def discriminator_loss(self, real_logits: Tensor, fake_logits: Tensor) -> Tensor:
        return torch.relu(1 - real_logits).mean() + torch.relu(1 + fake_logits).mean()

    def generator_loss(self, fake_logits: Tensor, real_logits: Tensor | None = None) -> Tensor:
        return -fake_logits.mean()
