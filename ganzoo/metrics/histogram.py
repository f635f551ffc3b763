"""Label histograms: how many categories a set of samples covers and how evenly."""

from __future__ import annotations

import math

import numpy as np


def kl_to_uniform(counts: np.ndarray) -> float:
    """KL(p || uniform) in nats, where ``p = counts / counts.sum()`` over ``len(counts)`` categories.

    This is the *reverse* KL of a generator's histogram against the true uniform one.
    Empty categories contribute ``0 · log 0 = 0``, so the value is finite and at most
    ``log K`` (every sample in one category). With no samples at all it is undefined:
    ``nan``.
    """
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    if total <= 0:
        return math.nan
    p = counts[counts > 0] / total
    return float(np.sum(p * np.log(p * len(counts))))


def coverage(counts: np.ndarray) -> dict:
    """``covered`` (categories with at least one sample), ``total`` categories, ``kl_to_uniform``
    and the ``counts`` themselves."""
    counts = np.asarray(counts, dtype=np.int64)
    return {
        "covered": int(np.count_nonzero(counts)),
        "total": int(len(counts)),
        "kl_to_uniform": kl_to_uniform(counts),
        "counts": counts.tolist(),
    }
