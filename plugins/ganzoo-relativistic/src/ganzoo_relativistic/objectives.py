"""RaGAN and RaLSGAN: losses on logits taken relative to the other batch's mean.

With ``C`` the discriminator's logits, real ``x_r`` and fake ``x_f``:

    D̃(x_r) = C(x_r) - mean C(x_f)        D̃(x_f) = C(x_f) - mean C(x_r)

RaGAN feeds these to binary cross-entropy (real above the average fake → 1, fake
above the average real → 0); RaLSGAN to least squares with targets +1 / -1. The
generator plays the same game with the targets swapped, so unlike the standard
games it also needs the logits of a real batch (``needs_real_logits``).
Both losses are halved sums, as in the paper's reference code.
"""

from __future__ import annotations

from torch import Tensor

from ganzoo import ops
from ganzoo.api import Objective

from ganzoo_relativistic import PAPER


def _relative(logits: Tensor, others: Tensor) -> Tensor:
    """How much more real ``logits`` look than the average of ``others``."""
    return logits - others.mean()


class _RelativisticAverage(Objective):
    """Both players play one game, ``_game(winner, loser)``: the loss of whoever wants
    ``winner``'s logits to look more real than the average of ``loser``'s."""

    paper = PAPER
    needs_real_logits = True

    def discriminator_loss(self, real_logits: Tensor, fake_logits: Tensor) -> Tensor:
        return self._game(real_logits, fake_logits)

    def generator_loss(self, fake_logits: Tensor, real_logits: Tensor | None = None) -> Tensor:
        if real_logits is None:
            raise ValueError(f"{type(self).__name__}.generator_loss needs the real logits (needs_real_logits is True)")
        return self._game(fake_logits, real_logits)

    @staticmethod
    def _game(winner: Tensor, loser: Tensor) -> Tensor:  # pragma: no cover
        raise NotImplementedError


class RaGAN(_RelativisticAverage):
    """Relativistic average standard GAN (RaSGAN): BCE on relative logits."""

    summary = "Relativistic average GAN loss (RaSGAN): BCE on logits relative to the other batch's mean"
    tags = ("relativistic", "bce")

    @staticmethod
    def _game(winner: Tensor, loser: Tensor) -> Tensor:
        return (
            ops.bce_with_logits(_relative(winner, loser), 1.0)
            + ops.bce_with_logits(_relative(loser, winner), 0.0)
        ) / 2


class RaLSGAN(_RelativisticAverage):
    """Relativistic average least-squares GAN: squared distance of relative logits to ±1."""

    summary = "Relativistic average least-squares GAN loss (RaLSGAN): relative logits pushed to +1 / -1"
    tags = ("relativistic", "least-squares")

    @staticmethod
    def _game(winner: Tensor, loser: Tensor) -> Tensor:
        return (
            (_relative(winner, loser) - 1).square().mean()
            + (_relative(loser, winner) + 1).square().mean()
        ) / 2
