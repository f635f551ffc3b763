"""Sample-quality metrics: mode coverage on 2-D mixtures, Parzen-window likelihood and
classifier-feature FID/KID on images, and :func:`evaluate`, which picks those that apply.

Importing this package does not import torch; the modules that need it import it themselves.
"""

from __future__ import annotations

__all__ = ["evaluate"]


def __getattr__(name):
    if name == "evaluate":
        from ganzoo.metrics.evaluate import evaluate

        return evaluate
    raise AttributeError(name)
