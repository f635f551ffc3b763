"""Shared helpers: a fixed train/test split and image arrays to model space."""

from __future__ import annotations

import numpy as np
import torch

#: the split never depends on the run's seed, so every run is evaluated on the same samples
SPLIT_SEED = 20_240_601


def fixed_split(n: int, test_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, test)`` of a fixed shuffle of ``range(n)``; ``test_size`` go to test.

    ``RandomState`` is numpy's frozen legacy stream: the split is the same on every
    numpy version.
    """
    order = np.random.RandomState(SPLIT_SEED).permutation(n)
    return np.sort(order[: n - test_size]), np.sort(order[n - test_size :])


def images_to_model_space(images: np.ndarray, max_value: float) -> torch.Tensor:
    """``(N, C, H, W)`` pixel values in ``[0, max_value]`` to float32 in [-1, 1]."""
    x = torch.from_numpy(np.ascontiguousarray(images)).float()
    return x.mul_(2.0 / max_value).sub_(1.0)


def labels_to_tensor(labels: np.ndarray | None) -> torch.Tensor | None:
    return None if labels is None else torch.from_numpy(np.asarray(labels, dtype=np.int64))
