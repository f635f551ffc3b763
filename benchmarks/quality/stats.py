"""Summaries over seeds, one convention for every quality table: the mean and the sample
standard deviation (n − 1), shown as ``mean ± std``."""

from __future__ import annotations

import statistics


def mean_std(values) -> dict:
    """``mean``, ``std`` (sample, n − 1; 0 for a single value), ``n``, ``min`` and ``max`` of
    ``values``, leaving out None (none left: every statistic None and ``n`` 0)."""
    values = [v for v in values if v is not None]
    if not values:
        return {"mean": None, "std": None, "n": 0, "min": None, "max": None}
    return {"mean": statistics.fmean(values), "std": statistics.stdev(values) if len(values) > 1 else 0.0,
            "n": len(values), "min": min(values), "max": max(values)}
