"""The data of an existing run, even when its files are not where the run found them.

Drawing samples needs only what ``config.json`` records of the data (``data_info``: shape,
range, classes) and the map to data space, which for every dataset that keeps the base
:meth:`Dataset.to_data_space` follows from the range. So ``ganzoo sample`` works from the run
directory alone; ``ganzoo eval``, which compares with real samples, takes the data's new place.
"""

from __future__ import annotations

from typing import Any

import torch

from ganzoo.api import DataInfo
from ganzoo.data import load_dataset, looks_like_path
from ganzoo.data.base import Dataset
from ganzoo.errors import DataError, GanzooError
from ganzoo.train.build import Components, build
from ganzoo.train.config import TrainConfig


class RecordedData(Dataset):
    """A stand-in for a run's dataset that could not be loaded: its name, its recorded
    ``info`` and the base map to data space. It holds no samples: ``sample`` and
    ``test_split`` raise DataError saying why."""

    def __init__(self, name: str, info: DataInfo, missing: str):
        super().__init__()
        self.name, self.info, self.missing = name, info, missing

    def sample(self, n, generator):
        raise DataError(self.missing)

    def test_split(self):
        raise DataError(self.missing)


def build_run(config: TrainConfig, record: dict[str, Any], device: torch.device, data: str | None = None,
              *, need_samples: bool = False, **options: Any) -> Components:
    """The components of the run whose ``config.json`` holds ``record``, built again by
    :func:`ganzoo.train.build.build` (which takes ``options``).

    data: the run's data in another place (a name or path); it must match what the run
        recorded. Without it, the run's own data (``config.data``).
    need_samples: the caller uses real samples (eval). Else, when the run's own data cannot
        be loaded, a :class:`RecordedData` stands in for it.
    """
    if data is not None:
        return build(config, device, dataset=given_data(config, record, data), **options)
    try:
        return build(config, device, **options)
    except DataError as err:
        missing = (f"cannot load the data this run was trained on ({err}); "
                   "if it has moved, pass its new place with --data")
        if need_samples:
            raise DataError(missing) from None
        recorded = recorded_info(record)
        if recorded is None or not keeps_base_mapping(config.data):
            raise
        return build(config, device, dataset=RecordedData(config.data, recorded, missing), **options)


def given_data(config: TrainConfig, record: dict[str, Any], data: str) -> Dataset:
    """The dataset ``data``, refused if its samples differ from the run's in shape, range or
    (conditional runs) classes."""
    recorded = recorded_info(record)
    dataset = load_dataset(data, seed=config.seed, data_dir=config.data_dir, download=config.download,
                           domains=recorded is not None and bool(recorded.domains))
    if recorded is not None:
        fields = ["shape", "bounded", "domains"] + (["num_classes"] if config.conditional else [])
        differ = [f"{f} {getattr(dataset.info, f)!r}, the run's {getattr(recorded, f)!r}"
                  for f in fields if getattr(dataset.info, f) != getattr(recorded, f)]
        if differ:
            raise DataError(f"--data {data} is not the data the run was trained on ({config.data}): "
                            f"{'; '.join(differ)}; pass the file the run used")
    return dataset


def recorded_info(record: dict[str, Any]) -> DataInfo | None:
    """The ``data_info`` of a ``config.json``, or None if it has none (or a damaged one)."""
    info = record.get("data_info")
    try:
        return DataInfo(tuple(int(d) for d in info["shape"]), bool(info["bounded"]), int(info["num_classes"]),
                        tuple(int(d) for d in info.get("domains", ())))
    except (TypeError, KeyError, ValueError):
        return None


def keeps_base_mapping(data: str) -> bool:
    """Whether the dataset ``data`` (a name or path) maps to data space the base way: a user's
    file does; a registered dataset does unless its class overrides ``to_data_space``."""
    if looks_like_path(data):
        return True
    from ganzoo import registry

    try:
        cls = registry.get("dataset", data)
    except GanzooError:
        return False
    return cls.to_data_space is Dataset.to_data_space

