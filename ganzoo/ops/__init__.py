"""The loss front door: one function per op, whatever backend computes it.

Objectives call only these functions. Each call runs on the compiled op (``torch.ops.ganzoo.*``
from ``ganzoo._C``) for the tensors' device when this install has it, else on the pure-PyTorch
reference (``reference.py``), with one warning that says why. ``GANZOO_BCE_BACKEND`` forces a
backend: ``reference``, ``cpp`` or ``cuda``.
"""

from __future__ import annotations

import numbers

import torch
from torch import Tensor

from ganzoo.ops import _backends, _registration, reference

_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}

_backends.extension()  # load now, not first inside a torch.compile trace; never raises


def _check_logits(logits, name="logits"):
    if not isinstance(logits, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(logits).__name__}")


def _scalar_target(value, name="target") -> float:
    if type(value) is float:  # the common case, before the slower ABC check
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, Tensor):
        return float(value)
    raise TypeError(f"{name} must be a tensor or a Python float, got {type(value).__name__}")


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
    # The hot path of every training step: a few microseconds matter at GAN batch sizes.
    code = _REDUCTIONS.get(reduction)
    if code is None:
        raise ValueError(f"reduction must be one of {tuple(_REDUCTIONS)}, got {reduction!r}")
    if not isinstance(logits, Tensor):
        _check_logits(logits)
    if _backends.backend_for(logits.device.type) == "reference":
        return reference.bce_with_logits(logits, target, weight, pos_weight, reduction)
    if isinstance(target, Tensor):
        target_tensor, target_value = target, 0.0
    else:
        target_tensor, target_value = None, _scalar_target(target)
    with_grad = _registration.SAVE_GRADIENT and logits.requires_grad and torch.is_grad_enabled()
    return torch.ops.ganzoo.bce_with_logits.default(
        logits, target_tensor, target_value, weight, pos_weight, code, with_grad
    )[0]


def gan_pair_bce(
    real_logits: Tensor,
    fake_logits: Tensor,
    *,
    real_target: float = 1.0,
    fake_target: float = 0.0,
) -> Tensor:
    """A discriminator's whole BCE loss in one call (one kernel pass over both inputs).

    ``mean BCE(real_logits, real_target) + mean BCE(fake_logits, fake_target)``;
    ``real_target=0.9`` gives one-sided label smoothing.
    """
    _check_logits(real_logits, "real_logits")
    _check_logits(fake_logits, "fake_logits")
    real_target = _scalar_target(real_target, "real_target")
    fake_target = _scalar_target(fake_target, "fake_target")
    if _backends.backend_for(real_logits.device.type) == "reference":
        return reference.gan_pair_bce(real_logits, fake_logits, real_target, fake_target)
    with_grad = (
        _registration.SAVE_GRADIENT
        and (real_logits.requires_grad or fake_logits.requires_grad)
        and torch.is_grad_enabled()
    )
    return torch.ops.ganzoo.gan_pair_bce.default(real_logits, fake_logits, real_target, fake_target, with_grad)[0]


def available_backends() -> list[str]:
    """Backends this install can run, best first (``reference`` is always last)."""
    return _backends.available()
