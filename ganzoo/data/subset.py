"""Keeping some classes of a labelled dataset: ``--set classes=0,1,2`` or ``exclude_classes=3``.

The one-class-out protocol of anomaly detection trains on every class but one; any labelled
dataset can be cut so. Labels keep their numbers (a run on digits without 3 still has
``num_classes`` 10 and label 7 still means 7), and both the training and the test split keep
only the chosen classes. A class is its label number, or for data from class folders also its
folder name.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ganzoo.data.arrays import ArrayDataset
from ganzoo.data.base import Dataset, TensorDataset
from ganzoo.errors import ConfigError, DataError

#: draws of the wrapped dataset per batch before giving up on a class that never comes up
_MAX_DRAWS = 1000


def select_classes(dataset: Dataset, classes: Sequence[Any] | None = None,
                   exclude: Sequence[Any] | None = None) -> Dataset:
    """``dataset`` cut to the labels in ``classes``, or to all but those in ``exclude`` (give
    one of the two; None: the dataset itself). Raises ConfigError naming the problem for data
    without labels, a class it does not have, or a choice that keeps no class."""
    if classes is None and exclude is None:
        return dataset
    if classes is not None and exclude is not None:
        raise ConfigError("set classes or exclude_classes, not both")
    total = dataset.info.num_classes
    key = "classes" if classes is not None else "exclude_classes"
    if total == 0:
        raise ConfigError(f"{key} needs labelled data, and {dataset.name or 'this data'!r} has no labels")
    chosen = class_numbers(classes if classes is not None else exclude, total, getattr(dataset, "classes", None), key)
    keep = chosen if classes is not None else sorted(set(range(total)) - set(chosen))
    if not keep:
        raise ConfigError(f"exclude_classes={','.join(map(str, chosen))} leaves no class to train on")
    return _subset(dataset, keep)


def class_numbers(values: Sequence[Any], total: int, names: Sequence[str] | None, key: str) -> list[int]:
    """The label numbers of ``values`` (numbers, or folder names when the data has ``names``)."""
    if isinstance(values, (str, int)) and not isinstance(values, bool):
        values = [values]
    numbers = []
    for value in values:
        if isinstance(value, str) and names and value in names:
            numbers.append(list(names).index(value))
        elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value < total:
            numbers.append(value)
        elif isinstance(value, str) and value.strip().isdigit() and int(value) < total:
            numbers.append(int(value))
        else:
            known = f"0 to {total - 1}" + (f" or one of {', '.join(names)}" if names else "")
            raise ConfigError(f"{key}: no class {value!r} in this data; its classes are {known}")
    return sorted(set(numbers))


def _subset(dataset: Dataset, keep: list[int]) -> Dataset:
    """A copy of ``dataset`` holding only the labels in ``keep``."""
    wanted = torch.tensor(keep)
    if isinstance(dataset, TensorDataset) and dataset.train_labels is not None:
        cut = copy.copy(dataset)
        train, test = torch.isin(dataset.train_labels, wanted), None
        cut.train, cut.train_labels = dataset.train[train], dataset.train_labels[train]
        if dataset.test_labels is not None:
            test = torch.isin(dataset.test_labels, wanted)
            cut.test, cut.test_labels = dataset.test[test], dataset.test_labels[test]
        _require_samples(cut, len(cut.train), keep)
        return cut
    if isinstance(dataset, ArrayDataset) and dataset.labels is not None:
        cut = copy.copy(dataset)
        labels = dataset.labels.numpy()
        cut.train_rows = dataset.train_rows[np.isin(labels[dataset.train_rows], keep)]
        cut.test_rows = dataset.test_rows[np.isin(labels[dataset.test_rows], keep)]
        _require_samples(cut, len(cut.train_rows), keep)
        return cut
    return ClassSubset(dataset, keep)


def _require_samples(dataset: Dataset, n: int, keep: list[int]) -> None:
    if n == 0:
        raise ConfigError(f"the training split of {dataset.name or 'this data'!r} has no sample of the classes "
                          f"{', '.join(map(str, keep))}")


class ClassSubset(Dataset):
    """Any other labelled dataset, cut to ``keep``: each batch is drawn from the wrapped dataset
    until ``n`` samples of the kept classes came (still a pure function of the RNG state)."""

    def __init__(self, base: Dataset, keep: list[int]):
        super().__init__(seed=base.seed, data_dir=base.data_dir, download=base.download)
        self.base, self.keep = base, torch.tensor(keep)
        self.name, self.info, self.citation = base.name, base.info, base.citation

    def __getattr__(self, name):  # the wrapped dataset's own attributes (classes, modes, ...)
        if name == "base":
            raise AttributeError(name)
        return getattr(self.base, name)

    def sample(self, n, generator):
        xs, ys, have = [], [], 0
        for _ in range(_MAX_DRAWS):
            x, y = self.base.sample(n, generator)
            if y is None:
                raise DataError(f"{self.name or 'this data'!r} gave samples without labels; cannot keep classes")
            mask = torch.isin(y, self.keep)
            xs.append(x[mask])
            ys.append(y[mask])
            have += int(mask.sum())
            if have >= n:
                return torch.cat(xs)[:n], torch.cat(ys)[:n]
        raise DataError(f"{_MAX_DRAWS} batches of {self.name or 'this data'!r} held fewer than {n} samples of the "
                        f"classes {', '.join(map(str, self.keep.tolist()))}")

    def test_split(self):
        x, y = self.base.test_split()
        if y is None:
            return x, y
        mask = torch.isin(y, self.keep)
        return x[mask], y[mask]

    def to_data_space(self, x):
        return self.base.to_data_space(x)
