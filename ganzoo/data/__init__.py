"""Datasets: the interface (``base``), the built-in ones and a user's own files.

``load_dataset`` is the one entry point the trainer and the CLI use.
"""

from __future__ import annotations

import os
from pathlib import Path

from ganzoo.data.base import Dataset, TensorDataset
from ganzoo.errors import DataError, UnknownNameError

__all__ = ["Dataset", "TensorDataset", "load_dataset", "looks_like_path"]


def looks_like_path(name_or_path: str) -> bool:
    """A path separator or a ``.npy`` / ``.npz`` ending: certainly a path, never a name."""
    separators = {os.sep, "/"} | ({os.altsep} if os.altsep else set())
    return any(s in name_or_path for s in separators) or name_or_path.lower().endswith((".npy", ".npz"))


def load_dataset(
    name_or_path: str, *, seed: int = 0, data_dir: str | None = None, download: bool = False,
    domains: bool = False,
) -> Dataset:
    """A registered dataset by name (``digits``, ``ring8``, ``mnist``, a plugin's…), or a
    user's ``.npy`` / ``.npz`` file or image folder. ``domains``: a folder is two image domains
    for translation (``trainA/`` and ``trainB/``, or side-by-side pairs; see
    :mod:`ganzoo.data.pairs`).

    A registered name wins over a file or folder of the same name in the working
    directory; write ``./digits`` to mean the folder.
    """
    if not name_or_path.strip():  # Path("") is the working directory: never what was meant
        raise DataError("no data given; name a dataset (see `ganzoo list --kind dataset`) or a file or folder")
    options = {"seed": seed, "data_dir": data_dir, "download": download}
    if not looks_like_path(name_or_path):
        from ganzoo import registry

        try:
            cls = registry.get("dataset", name_or_path)
        except UnknownNameError:
            if not Path(name_or_path).exists():
                raise
        else:
            return cls(**options)
    if domains:
        from ganzoo.data.pairs import load_domain_folder

        return load_domain_folder(name_or_path, **options)
    from ganzoo.data.files import UserData

    return UserData(name_or_path, **options)
