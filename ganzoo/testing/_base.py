"""What every check of the contract kit shares: its error, the data it builds on, and the
small requirements it states."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import Tensor, nn

from ganzoo.api import DataInfo

#: 2-D points (unbounded) and small one-channel images in [-1, 1]
POINTS = DataInfo((2,), bounded=False)
IMAGES = DataInfo((1, 8, 8), bounded=True)
DEFAULT_DATA = (POINTS, IMAGES)


class ContractError(AssertionError):
    """A plugin does not keep the contract ganzoo relies on."""


class ContractWarning(UserWarning):
    """Not a broken contract, but something the plugin's users will trip over (a name
    another installed package also provides)."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ContractError(message)


def _infos(data: DataInfo | Iterable[DataInfo] | None, cls: Any = None) -> list[DataInfo]:
    """The data to check on: given, else the class's ``contract_data``, else points and images."""
    if data is None:
        data = getattr(cls, "contract_data", None) or DEFAULT_DATA
    return [data] if isinstance(data, DataInfo) else list(data)


def _instances(cls: type, data: Any, build: Callable[[DataInfo], nn.Module]) -> list[tuple[DataInfo, nn.Module]]:
    """``(info, network)`` for each shape to check. With the default shapes a network may
    refuse some with a ValueError (a convolutional one refuses 2-D points), not all."""
    explicit = data is not None or getattr(cls, "contract_data", None) is not None
    built = []
    for info in _infos(data, cls):
        torch.manual_seed(0)
        try:
            built.append((info, build(info)))
        except ValueError as err:
            if explicit:
                raise ContractError(f"{_name(cls)} refused data {info.shape}: {err}") from None
    _require(bool(built), f"{_name(cls)} accepts none of the default data shapes (2-D points, 8x8 images); "
                          "give it a `contract_data` class attribute")
    return built


def _labels(n: int, num_classes: int) -> Tensor | None:
    return torch.arange(n) % num_classes if num_classes else None


def _name(obj: Any) -> str:
    return getattr(obj, "__qualname__", type(obj).__name__)


def _require_finite(x: Tensor, what: str) -> None:
    _require(torch.is_floating_point(x), f"{what} must be a floating-point tensor, got {x.dtype}")
    _require(bool(torch.isfinite(x).all()), f"{what} has NaN or infinite values")


def _require_gradients(module: nn.Module, what: str) -> None:
    grads = [p.grad for p in module.parameters() if p.requires_grad]
    _require(bool(grads), f"{what} has no trainable parameters")
    _require(any(g is not None and bool(g.abs().sum() > 0) for g in grads),
             f"no gradient reaches {what}'s parameters")
    _require(all(g is None or bool(torch.isfinite(g).all()) for g in grads), f"{what} has non-finite gradients")


def _require_scalar(loss: Any, what: str) -> None:
    _require(isinstance(loss, Tensor) and loss.dim() == 0, f"{what} must return a scalar tensor, got {_shape_of(loss)}")
    _require_finite(loss, what)
    _require(loss.requires_grad, f"{what} is not differentiable (did it detach the logits?)")


def _shape_of(x: Any) -> str:
    return f"shape {tuple(x.shape)}" if isinstance(x, Tensor) else type(x).__name__
