"""Anomaly scores from a trained run: one number per sample, higher = more anomalous.

>>> run = load_scoring_run("runs/ali")                       # doctest: +SKIP
>>> scores = score_samples(create_scorer("encoder"), run, x)  # doctest: +SKIP  (n,) float64

Scorers are plugins (entry-point group ``ganzoo.scorers``, base :class:`ganzoo.api.Scorer`);
the built-ins are in :mod:`ganzoo.scoring.scorers`. ``ganzoo score`` is the command line.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ganzoo.errors import ConfigError, GanzooError
from ganzoo.scoring.run import ScoringRun, load_scoring_run

__all__ = ["ScoringRun", "load_scoring_run", "create_scorer", "score_samples", "BATCH_SIZE"]

#: samples scored per call of a scorer
BATCH_SIZE = 512


def create_scorer(name: str, settings: dict[str, Any] | None = None):
    """The scorer ``name`` (see ``ganzoo list --kind scorer``) built with ``settings``; a setting
    it does not take, or a bad value, is a ConfigError naming it."""
    from ganzoo import registry
    from ganzoo.train.config import accepted_kwargs

    cls = registry.get("scorer", name)
    settings = dict(settings or {})
    valid = accepted_kwargs(cls)
    unknown = sorted(set(settings) - valid) if valid is not None else []
    if unknown:
        raise ConfigError(f"unknown setting(s) {', '.join(unknown)} for the scorer {name!r}; it accepts "
                          f"{', '.join(sorted(valid)) or 'none'}")
    try:
        return cls(**settings)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"cannot build the scorer {name!r} with {settings or 'its defaults'}: {err}") from None


def score_samples(scorer, run: ScoringRun, x: torch.Tensor, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """``scorer``'s score of each sample of ``x`` (model space, ``(n, *shape)``), float64 ``(n,)``,
    ``batch_size`` samples at a time; ``scorer.check(run)`` first. A score that is not a finite
    number per sample is a GanzooError naming the scorer."""
    scorer.check(run)
    out = []
    for start in range(0, len(x), batch_size):
        batch = x[start:start + batch_size].to(run.device)
        with torch.no_grad():
            scores = scorer.score(run, batch)
        if not isinstance(scores, torch.Tensor) or tuple(scores.shape) != (len(batch),):
            got = tuple(scores.shape) if isinstance(scores, torch.Tensor) else type(scores).__name__
            raise GanzooError(f"the scorer {scorer!r} returned {got} for {len(batch)} samples; it must return one "
                              "score per sample, shaped (n,)")
        scores = scores.detach().double().cpu().numpy()
        if not np.isfinite(scores).all():
            raise GanzooError(f"the scorer {scorer!r} gave NaN or infinite scores: the run's networks may have "
                              "diverged (pass --checkpoint with an earlier step)")
        out.append(scores)
    return np.concatenate(out) if out else np.zeros(0)
