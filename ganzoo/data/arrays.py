"""Datasets held as arrays and turned into model space one batch at a time.

``ArrayDataset`` keeps its samples as they are stored — uint8 pixels (a quarter of the
memory of float32), or a memory-mapped ``.npy`` the operating system pages in as rows
are read — and converts only the rows a batch draws. Beside it, the shared helpers: the
fixed train/test split and pixels to model space.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from ganzoo.api import DataInfo
from ganzoo.data.base import Dataset

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
    """``(N, C, H, W)`` pixel values in ``[0, max_value]`` to a new float32 tensor in [-1, 1]."""
    x = torch.from_numpy(np.ascontiguousarray(images))
    x = x.clone() if x.dtype == torch.float32 else x.float()  # scaled in place below: never the caller's array
    return x.mul_(2.0 / max_value).sub_(1.0)


def labels_to_tensor(labels: np.ndarray | None) -> torch.Tensor | None:
    return None if labels is None else torch.from_numpy(np.asarray(labels, dtype=np.int64))


class ArrayDataset(Dataset):
    """Samples stored in ``samples`` (any numpy array, a memory map too), split by row numbers.

    images: pass ``max_value``, the largest pixel value (255 for uint8, 1 for floats in
        [0, 1]); ``samples`` is ``(N, C, H, W)``, a strided view (channels-last data
        transposed) included. Batches come out float32 in [-1, 1].
    points: leave ``max_value`` None; ``samples`` is ``(N, D)`` float32, used as given.
    labels: one integer per row of ``samples``, or None.
    """

    def __init__(self, samples: np.ndarray, *, train_rows: np.ndarray, test_rows: np.ndarray,
                 max_value: float | None = None, labels: np.ndarray | None = None, num_classes: int = 0,
                 **options):
        super().__init__(**options)
        self.samples, self.max_value = samples, max_value
        self.train_rows = np.asarray(train_rows, dtype=np.int64)
        self.test_rows = np.asarray(test_rows, dtype=np.int64)
        self.labels = labels_to_tensor(labels)
        self.info = DataInfo(tuple(samples.shape[1:]), max_value is not None, num_classes)

    def __len__(self) -> int:
        return len(self.train_rows)

    @property
    def stored_bytes_per_sample(self) -> int:
        """Bytes one sample takes as stored (in memory, or in the memory-mapped file)."""
        return int(np.prod(self.samples.shape[1:])) * self.samples.dtype.itemsize

    def rows_in_model_space(self, rows: np.ndarray) -> Tensor:
        """The samples at ``rows`` as a new float32 tensor in model space."""
        batch = self.samples[rows]
        if self.max_value is None:
            return torch.from_numpy(np.ascontiguousarray(batch, dtype=np.float32))
        return images_to_model_space(batch, self.max_value)

    def _labels_at(self, rows: np.ndarray) -> Tensor | None:
        return None if self.labels is None else self.labels[torch.from_numpy(rows)]

    def sample(self, n, generator):
        # With replacement, the data stream is a pure function of the RNG state (bit-identical
        # resume), and it draws what TensorDataset draws from the same rows.
        pick = torch.randint(len(self.train_rows), (n,), generator=generator).numpy()
        rows = self.train_rows[pick]
        return self.rows_in_model_space(rows), self._labels_at(rows)

    def train_split(self) -> tuple[Tensor, Tensor | None]:
        """Every training sample and its label, converted on each call (a float32 copy: 4× uint8)."""
        return self.rows_in_model_space(self.train_rows), self._labels_at(self.train_rows)

    def test_split(self):
        """The held-out samples and labels, converted on each call (a float32 copy)."""
        return self.rows_in_model_space(self.test_rows), self._labels_at(self.test_rows)

    @property
    def train_labels(self) -> Tensor | None:
        return self._labels_at(self.train_rows)

    @property
    def test_labels(self) -> Tensor | None:
        return self._labels_at(self.test_rows)
