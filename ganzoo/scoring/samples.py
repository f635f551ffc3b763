"""The samples ``ganzoo score`` scores: a split of a dataset, or every row of a user's file."""

from __future__ import annotations

import numpy as np
import torch

from ganzoo.api import DataInfo
from ganzoo.data import load_dataset, looks_like_path
from ganzoo.data.arrays import ArrayDataset
from ganzoo.data.base import TensorDataset
from ganzoo.errors import ConfigError, DataError


def load_samples(data: str, split: str | None, info: DataInfo,
                 data_dir: str | None = None) -> tuple[torch.Tensor, np.ndarray | None, str]:
    """``(x, labels, split)``: the samples of ``data`` in model space, their labels (None without
    any) and the split they are. split: "test", "train" or "all" (train then test for a dataset
    held as two tensors; a file's rows in their order); None: "all" for a path, "test" for a
    registered name. data_dir: where a dataset's files live (MNIST's). DataError when they are
    not shaped like ``info``, the run's data."""
    if split is None:
        split = "all" if looks_like_path(data) else "test"
    dataset = load_dataset(data, data_dir=data_dir)
    if tuple(dataset.info.shape) != tuple(info.shape) or dataset.info.bounded != info.bounded:
        kind = lambda i: f"{tuple(i.shape)} {'in [-1, 1]' if i.bounded else 'unbounded'}"  # noqa: E731
        raise DataError(f"--data {data} holds samples of shape {kind(dataset.info)}; the run was trained on "
                        f"{kind(info)}: score data like the run's")
    if split == "test":
        x, labels = dataset.test_split()
    elif isinstance(dataset, ArrayDataset):
        rows = dataset.train_rows if split == "train" else np.arange(len(dataset.samples))
        x = dataset.rows_in_model_space(rows)
        labels = None if dataset.labels is None else dataset.labels[torch.from_numpy(rows)]
    elif isinstance(dataset, TensorDataset):
        x, labels = dataset.train, dataset.train_labels
        if split == "all":
            x = torch.cat([dataset.train, dataset.test])
            labels = None if labels is None else torch.cat([labels, dataset.test_labels])
    else:
        raise ConfigError(f"--data {data} offers only its test split to score; pass --split test")
    if len(x) == 0:
        raise DataError(f"--data {data} has no samples in its {split} split")
    return x.float(), None if labels is None else labels.numpy(), split
