"""Checks on the constructor arguments of the zoo's components.

Each check returns the value as the component uses it, or raises a ``ValueError`` naming
the argument; the trainer turns that into a ``ConfigError`` naming the component, so a
bad ``--set generator.hidden=-3`` is one line, not a traceback from deep inside torch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any


def whole_number(name: str, value: Any, minimum: int) -> int:
    """``value`` as an int >= ``minimum``; a float with no fractional part counts (128.0)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def widths(hidden: Any, name: str = "hidden") -> list[int]:
    """Hidden-layer widths from one int or a sequence of them (empty: no hidden layer)."""
    if isinstance(hidden, (Integral, float)) and not isinstance(hidden, bool):
        return [whole_number(name, hidden, 1)]
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Iterable):
        raise ValueError(f"{name} must be a width or a list of widths, e.g. {name}=256,256; got {hidden!r}")
    return [whole_number(f"each width in {name}", h, 1) for h in hidden]


def number(name: str, value: Any, *, at_least: float | None = None, above: float | None = None,
           below: float | None = None, at_most: float | None = None, hint: str = "") -> float:
    """``value`` as a finite float within the given bounds; ``hint`` ends the error message."""
    bounds = [(at_least, ">=", float.__ge__), (above, ">", float.__gt__),
              (below, "<", float.__lt__), (at_most, "<=", float.__le__)]
    bounds = [(limit, sign, ok) for limit, sign, ok in bounds if limit is not None]
    if (isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value)
            or not all(ok(float(value), float(limit)) for limit, _, ok in bounds)):
        wanted = " and ".join(f"{sign} {limit:g}" for limit, sign, _ in bounds)
        raise ValueError(f"{name} must be a finite number{' ' + wanted if wanted else ''}{hint}, got {value!r}")
    return float(value)


def flag(name: str, value: Any) -> bool:
    """``value`` if it is a bool (``--set x=true`` / ``false``)."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value
