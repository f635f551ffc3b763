"""Fréchet and kernel distances between two sets of feature vectors.

FID (Heusel et al. 2017): ``|μ1 - μ2|² + tr(Σ1) + tr(Σ2) - 2 tr((Σ1 Σ2)^½)``, with the trace
of the matrix square root computed from symmetric eigendecompositions, in float64.

KID (Bińkowski et al. 2018): the unbiased estimate of the squared MMD under the cubic
polynomial kernel ``k(x, y) = (x·y / d + 1)³``, averaged over random subsets.
"""

from __future__ import annotations

import math

import numpy as np


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """FID between feature sets ``a`` (n, d) and ``b`` (m, d), each with at least two rows."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if len(a) < 2 or len(b) < 2:
        raise ValueError("the Fréchet distance needs at least two feature vectors on each side")
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root_a = _sqrt_psd(np.atleast_2d(cov_a))
    # tr((Σa Σb)^½) = tr((Σa^½ Σb Σa^½)^½): the latter is symmetric PSD, so eigvalsh serves.
    middle = root_a @ np.atleast_2d(cov_b) @ root_a
    trace_root = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    value = ((mu_a - mu_b) ** 2).sum() + np.trace(np.atleast_2d(cov_a)) + np.trace(np.atleast_2d(cov_b)) - 2 * trace_root
    return float(max(value, 0.0))


def _mmd2_unbiased(x: np.ndarray, y: np.ndarray) -> float:
    d = x.shape[1]
    kxx = (x @ x.T / d + 1) ** 3
    kyy = (y @ y.T / d + 1) ** 3
    kxy = (x @ y.T / d + 1) ** 3
    m, n = len(x), len(y)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                 - 2 * kxy.mean())


def kernel_distance(a: np.ndarray, b: np.ndarray, subsets: int = 50, subset_size: int = 1000,
                    seed: int = 0) -> tuple[float, float]:
    """KID between feature sets ``a`` and ``b``: mean and standard deviation over ``subsets``
    random subsets of ``min(subset_size, len(a), len(b))`` rows each (drawn with ``seed``)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    size = min(subset_size, len(a), len(b))
    if size < 2:
        raise ValueError("the kernel distance needs at least two feature vectors on each side")
    rng = np.random.default_rng(seed)
    values = [
        _mmd2_unbiased(a[rng.choice(len(a), size, replace=False)], b[rng.choice(len(b), size, replace=False)])
        for _ in range(subsets)
    ]
    return float(np.mean(values)), float(np.std(values)) if len(values) > 1 else math.nan
