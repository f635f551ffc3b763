"""How numbers read in tables: times with units, sizes as powers, ratios with a ×."""

from __future__ import annotations

import math


def seconds(s: float | None) -> str:
    if s is None:
        return "–"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def size(n: int) -> str:
    """64, 4,096 as written; powers of two from 2^12 and of ten from 10^6 as powers."""
    if n >= 4096 and n & (n - 1) == 0:
        return f"2^{n.bit_length() - 1}"
    if n >= 10**6 and 10 ** round(math.log10(n)) == n:
        return f"10^{round(math.log10(n))}"
    return f"{n:,}"


def ratio(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}×"


def percent(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{100 * x:.1f} %" if x < 0.1 else f"{100 * x:.0f} %"


def number(x: float | None) -> str:
    """Two decimals below 10, one below 100, none above: 0.05, 3.14, 42.0, 1234."""
    if x is None:
        return "–"
    if x < 10:
        return f"{x:.2f}"
    return f"{x:.1f}" if x < 100 else f"{x:.0f}"


def megabytes(x: float | None) -> str:
    """MiB, as torch and the kernel count them."""
    if x is None:
        return "–"
    return f"{x:.1f} MiB" if abs(x) < 10 else f"{x:,.0f} MiB"
