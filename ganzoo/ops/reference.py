"""Pure-PyTorch reference for the BCE-with-logits ops: always available, and the test oracle."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def bce_with_logits(
    logits: Tensor,
    target: Tensor | float,
    weight: Tensor | None = None,
    pos_weight: Tensor | None = None,
    reduction: str = "mean",
) -> Tensor:
    if not isinstance(target, Tensor):
        # A scalar target broadcasts; expand() makes a view, not a full-size tensor.
        target = torch.tensor(float(target), dtype=logits.dtype, device=logits.device).expand_as(logits)
    return F.binary_cross_entropy_with_logits(
        logits, target, weight=weight, pos_weight=pos_weight, reduction=reduction
    )


def gan_pair_bce(
    real_logits: Tensor,
    fake_logits: Tensor,
    real_target: float = 1.0,
    fake_target: float = 0.0,
) -> Tensor:
    """mean BCE(real_logits, real_target) + mean BCE(fake_logits, fake_target)."""
    return bce_with_logits(real_logits, real_target) + bce_with_logits(fake_logits, fake_target)
