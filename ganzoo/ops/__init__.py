"""The loss front door: one function per op, whatever backend computes it.

Objectives call only these functions. Today they run the pure-PyTorch reference;
compiled backends (``torch.ops.ganzoo.*``) plug in behind the same signatures.
"""

from __future__ import annotations

from torch import Tensor

from ganzoo.ops import reference

_REDUCTIONS = ("none", "mean", "sum")


def bce_with_logits(
    logits: Tensor,
    target: Tensor | float,
    *,
    weight: Tensor | None = None,
    pos_weight: Tensor | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross-entropy on logits, like ``F.binary_cross_entropy_with_logits``.

    target: a tensor shaped like ``logits``, or a Python float in [0, 1] (1.0, 0.0, a
        smoothed 0.9) that is never materialised as a full tensor.
    weight: broadcast to ``logits``; pos_weight: broadcast along the last dimension.
    reduction: "mean" (default), "sum" or "none".
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    return reference.bce_with_logits(logits, target, weight, pos_weight, reduction)


def gan_pair_bce(
    real_logits: Tensor,
    fake_logits: Tensor,
    *,
    real_target: float = 1.0,
    fake_target: float = 0.0,
) -> Tensor:
    """A discriminator's whole BCE loss in one call.

    ``mean BCE(real_logits, real_target) + mean BCE(fake_logits, fake_target)``;
    ``real_target=0.9`` gives one-sided label smoothing.
    """
    return reference.gan_pair_bce(real_logits, fake_logits, real_target, fake_target)


def available_backends() -> list[str]:
    """Backends this install can run, best first."""
    return ["reference"]
