"""``mnist``: the 70 000 28x28 handwritten digits (LeCun, Cortes and Burges), from IDX files.

Files are looked for in ``data_dir`` (or the cache directory, ``$GANZOO_CACHE/mnist``,
default ``~/.cache/ganzoo/mnist``), raw or ``.gz``. With ``download=True`` the
missing ones are fetched from the first mirror that answers, announced on stderr,
checked against their sha256 and written atomically.
"""

from __future__ import annotations

import hashlib
import http.client
import sys
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from ganzoo.data.arrays import ArrayDataset
from ganzoo.data.idx import read_idx
from ganzoo.errors import DataError
from ganzoo import fileio
from ganzoo.fileio import atomic_path
from ganzoo.progress import progress_bar

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

# sha256 of the published .gz files
CHECKSUMS = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

SPLITS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

_CHUNK = 1 << 16


def cache_dir() -> Path:
    return fileio.cache_dir("mnist")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def find_file(directory: Path, stem: str) -> Path | None:
    """``stem`` or ``stem.gz`` in ``directory``, or None."""
    for name in (stem, stem + ".gz"):
        if (directory / name).is_file():
            return directory / name
    return None


def fetch(
    name: str,
    directory: Path,
    *,
    mirrors: Sequence[str] = MIRRORS,
    checksums: Mapping[str, str] = CHECKSUMS,
    log: Callable[[str], None] = _stderr,
    timeout: float = 60.0,
) -> Path:
    """Download ``name`` into ``directory`` from the first mirror that serves a file with
    the expected sha256. The file appears only once complete and verified."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    failures = []
    for base in mirrors:
        url = base.rstrip("/") + "/" + name
        log(f"Downloading {url} -> {target}")
        try:
            digest, size = _download_verified(url, target, checksums[name], timeout)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            failures.append(f"{url}: {exc}")
            log(f"  failed: {exc}")
            continue
        log(f"  ok: {size} bytes, sha256 {digest[:12]}…")
        return target
    raise DataError(
        f"could not download {name}:\n  " + "\n  ".join(failures)
        + f"\nFetch the MNIST files by hand into {directory} and pass --data-dir."
    )


def _download_verified(url: str, target: Path, expected: str, timeout: float) -> tuple[str, int]:
    with atomic_path(target) as tmp:
        sha, size = hashlib.sha256(), 0
        with open(tmp, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            with progress_bar(total=int(length) if length and length.isdigit() else None, desc=f"  {target.name}",
                              unit="B", unit_scale=True, unit_divisor=1024, show=True) as bar:
                while chunk := response.read(_CHUNK):
                    sha.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                    bar.update(len(chunk))
        if sha.hexdigest() != expected:
            raise ValueError(f"sha256 mismatch: got {sha.hexdigest()}, expected {expected}")
    return expected, size


class MNIST(ArrayDataset):
    """28x28 grayscale digits, shape ``(1, 28, 28)`` in [-1, 1], labels 0..9;
    the standard 60 000 / 10 000 train/test split, held as uint8 (55 MB) and converted per batch.

    ``mirrors`` (base URLs tried in order) and ``checksums`` (file name -> sha256)
    override the defaults, e.g. to point at a local server.
    """

    name = "mnist"
    citation = "MNIST handwritten digits (Y. LeCun, C. Cortes, C. J. C. Burges), http://yann.lecun.com/exdb/mnist/"
    num_classes = 10

    def __init__(
        self,
        *,
        mirrors: Sequence[str] = MIRRORS,
        checksums: Mapping[str, str] = CHECKSUMS,
        log: Callable[[str], None] = _stderr,
        **options,
    ):
        data_dir = options.get("data_dir")
        directory = Path(data_dir).expanduser() if data_dir else cache_dir()
        paths = {}
        for stem in (stem for pair in SPLITS.values() for stem in pair):
            path = find_file(directory, stem)
            if path is None and options.get("download"):
                path = fetch(stem + ".gz", directory, mirrors=mirrors, checksums=checksums, log=log)
            if path is None:
                raise DataError(
                    f"MNIST file {stem}(.gz) not found in {directory}; pass --download to fetch "
                    "it, or --data-dir DIR for a folder that holds the MNIST IDX files"
                )
            paths[stem] = path
        train_x, train_y = self._load_split(paths, *SPLITS["train"])
        test_x, test_y = self._load_split(paths, *SPLITS["test"])
        n_train, n = len(train_x), len(train_x) + len(test_x)
        super().__init__(
            np.concatenate([train_x, test_x])[:, None],
            train_rows=np.arange(n_train), test_rows=np.arange(n_train, n),
            max_value=255,
            labels=np.concatenate([train_y, test_y]),
            num_classes=self.num_classes,
            **options,
        )

    @staticmethod
    def _load_split(paths, images_stem, labels_stem):
        images, labels = read_idx(paths[images_stem]), read_idx(paths[labels_stem])
        if images.ndim != 3 or images.dtype.kind != "u" or labels.ndim != 1:
            raise DataError(
                f"{paths[images_stem]} / {paths[labels_stem]} do not hold uint8 images (N, H, W) "
                "and labels (N,); are these the MNIST files?"
            )
        if len(images) != len(labels):
            raise DataError(
                f"{paths[images_stem]} holds {len(images)} images but {paths[labels_stem]} "
                f"holds {len(labels)} labels; fetch both again"
            )
        return images, labels
