"""Parzen-window log-likelihood, as Goodfellow et al. 2014 (sec. 5) report it for GANs.

Fit an isotropic Gaussian kernel density on generated samples, choose its width σ by the
mean log-likelihood of a validation set, and report the mean log-likelihood of the test
set under it, with its standard error. The estimate is known to be crude in high
dimensions (Theis et al. 2016); it is here so that numbers can sit beside the paper's.
All inputs are in data space (images in [0, 1]), flattened.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from ganzoo.progress import progress_bar

#: the paper's grid of kernel widths
SIGMAS = tuple(float(s) for s in np.logspace(-1, 0, 10))
#: generated samples the paper fits the kernel density on
PROTOCOL_SAMPLES = 10_000


@torch.no_grad()
def log_likelihood(centres: np.ndarray, x: np.ndarray, sigma: float, chunk: int = 512,
                   on_rows: Callable[[int], object] | None = None) -> np.ndarray:
    """Log density of each row of ``x`` under the Gaussian KDE on ``centres`` with width ``sigma``.

    ``log p(x) = logsumexp_i(-|x - c_i|² / 2σ²) - log N - (d/2) log(2πσ²)``; shape ``(len(x),)``.
    ``on_rows(k)`` is called after each chunk of ``k`` rows (progress).
    """
    c = torch.as_tensor(np.asarray(centres), dtype=torch.float64).flatten(1)
    q = torch.as_tensor(np.asarray(x), dtype=torch.float64).flatten(1)
    n, d = c.shape
    c_sq = (c * c).sum(1)
    out = []
    for start in range(0, len(q), chunk):
        block = q[start:start + chunk]
        sq = (block * block).sum(1, keepdim=True) - 2 * block @ c.T + c_sq
        out.append(torch.logsumexp(-sq.clamp_min(0) / (2 * sigma**2), dim=1))
        if on_rows is not None:
            on_rows(len(block))
    const = math.log(n) + 0.5 * d * math.log(2 * math.pi * sigma**2)
    return (torch.cat(out) - const).numpy() if out else np.zeros(0)


def select_sigma(centres: np.ndarray, validation: np.ndarray, sigmas=SIGMAS,
                 on_rows: Callable[[int], object] | None = None) -> tuple[float, dict]:
    """The σ in ``sigmas`` with the highest mean validation log-likelihood, and every σ's score."""
    scores = {float(s): float(log_likelihood(centres, validation, s, on_rows=on_rows).mean()) for s in sigmas}
    return max(scores, key=scores.get), scores


def parzen_score(centres: np.ndarray, validation: np.ndarray, test: np.ndarray, sigmas=SIGMAS,
                 progress: bool | None = None, desc: str = "Parzen") -> dict:
    """Goodfellow et al.'s protocol: σ chosen on ``validation``, scored on ``test``.

    Returns ``log_likelihood`` (mean over the test set, nats), ``stderr`` (its standard
    error), ``sigma`` and ``sigma_scores`` (mean validation log-likelihood per σ, keyed by
    σ rounded to four digits). ``progress`` (named ``desc``): as
    :func:`ganzoo.progress.progress_bar`'s ``show``.
    """
    rows = len(validation) * len(sigmas) + len(test)
    with progress_bar(total=rows, desc=desc, unit="row", show=progress) as bar:
        sigma, scores = select_sigma(centres, validation, sigmas, on_rows=bar.update)
        ll = log_likelihood(centres, test, sigma, on_rows=bar.update)
    return {
        "log_likelihood": float(ll.mean()),
        "stderr": float(ll.std(ddof=1) / math.sqrt(len(ll))) if len(ll) > 1 else math.nan,
        "sigma": sigma,
        "sigma_scores": {f"{s:.4g}": v for s, v in scores.items()},
    }
