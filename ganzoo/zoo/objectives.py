"""The original GAN games, written on the loss front door ``ganzoo.ops``."""

from __future__ import annotations

from torch import Tensor

from ganzoo import ops
from ganzoo.api import Objective


class _BCEGame(Objective):
    """Shared discriminator side: real → ``real_target`` (1.0, or 0.9 to smooth), fake → 0."""

    def __init__(self, real_target: float = 1.0):
        if not 0.0 <= real_target <= 1.0:
            raise ValueError(f"real_target must lie in [0, 1], got {real_target}")
        self.real_target = float(real_target)

    def discriminator_loss(self, real_logits: Tensor, fake_logits: Tensor) -> Tensor:
        return ops.gan_pair_bce(real_logits, fake_logits, real_target=self.real_target)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(real_target={self.real_target})"


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
