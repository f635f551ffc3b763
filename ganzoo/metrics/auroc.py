"""AUROC: how well a score ranks anomalies above normal samples.

The area under the ROC curve equals the probability that a randomly chosen anomaly scores
higher than a randomly chosen normal sample, a tie counting one half (the Mann-Whitney U
statistic over the product of the two counts). Computed from ranks, with tied scores given
their average rank, in O(n log n); numpy only.
"""

from __future__ import annotations

import numpy as np


def auroc(scores, is_anomaly) -> float:
    """Area under the ROC curve of ``scores`` (higher = more anomalous) against the boolean
    ``is_anomaly`` (or 0/1), both of length n. 1.0: every anomaly scores above every normal
    sample; 0.5: no better than chance; 0.0: exactly reversed.

    Raises ValueError when the lengths differ, a score is NaN or infinite, or one of the two
    groups is empty (the area is then undefined).
    """
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    positive = np.asarray(is_anomaly).reshape(-1).astype(bool)
    if len(scores) != len(positive):
        raise ValueError(f"{len(scores)} scores but {len(positive)} labels")
    if not np.isfinite(scores).all():
        raise ValueError("scores must be finite (no NaN or infinity)")
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError(f"AUROC needs anomalies and normal samples; got {n_pos} anomalies and {n_neg} normal")
    ranks = average_ranks(scores)
    u = ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks of ``values`` in ascending order; tied values share their average rank."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    # start of each run of equal values, and the run each sorted position belongs to
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    run_of = np.cumsum(np.r_[True, sorted_values[1:] != sorted_values[:-1]]) - 1
    ends = np.r_[starts[1:], len(values)]  # one past each run's last position
    mean_rank = (starts + 1 + ends) / 2.0  # the average of the 1-based ranks starts+1 .. ends
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = mean_rank[run_of]
    return ranks
