"""A user's own data: a ``.npy`` / ``.npz`` array or a folder of PNG/JPEG images.

Arrays:
  ``(N, D)``                       points, used as given (unbounded);
  ``(N, H, W)``, ``(N, C, H, W)``  images (channels-last ``(N, H, W, C)`` is accepted too):
                                   integers are pixel values 0..255, floats must lie in [0, 1];
                                   both are scaled to [-1, 1], batch by batch.
  A ``.npz`` holds the data under ``x`` (or as its only array) and optional integer
  labels ``y``.

Images are held as they are stored, not as float32: uint8 pixels stay uint8 (1 byte per
value instead of 4). A ``.npy`` is memory-mapped: an array larger than memory trains, the
operating system reading in the rows each batch draws (a uint8 ``.npy`` is not even read
through at load; other types are scanned once for their range).

A folder: its PNG/JPEG images, or one subfolder of images per class, which gives labels
(see :mod:`ganzoo.data.folders`).

The held-out test split is a fixed 10% (at least one sample), the same for every run.
"""

from __future__ import annotations

import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ganzoo.data.arrays import ArrayDataset, fixed_split
from ganzoo.data.folders import load_image_folder
from ganzoo.errors import DataError

ARRAY_SUFFIXES = (".npy", ".npz")
TEST_FRACTION = 0.1
_CHANNELS = (1, 3, 4)


# What each file type starts with: checked first, because numpy reads any other file
# as a pickle and would report a text file as "Python objects".
_MAGIC = {".npy": b"\x93NUMPY", ".npz": b"PK"}


def _check_file_type(path: Path) -> None:
    """Refuse an empty file, a file that is no NumPy file, or one whose suffix is the other's."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(_MAGIC[".npy"]))
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not head:
        raise DataError(f"{path} is empty; save the array with numpy.save or numpy.savez")
    actual = next((suffix for suffix, magic in _MAGIC.items() if head.startswith(magic)), None)
    if actual is None:
        raise DataError(
            f"{path} is not a NumPy file (it starts with {head!r}); save the array with numpy.save "
            "or numpy.savez (a text or CSV file: read it with numpy.loadtxt, then save it)"
        )
    if actual != path.suffix.lower():
        raise DataError(f"{path} is a {actual} file despite its name; rename it to end in {actual}")


@contextmanager
def _reading(path: Path):
    """Turn numpy's errors on a broken file into one DataError naming it."""
    saver = "numpy.save" if path.suffix.lower() == ".npy" else "numpy.savez"
    try:
        yield
    except ValueError as exc:
        if "allow_pickle" in str(exc) or "Python objects" in str(exc):  # np.load's words, plain or mapped
            raise DataError(f"{path} holds Python objects, not numbers; save a numeric array") from exc
        raise DataError(f"{path} is truncated or corrupt ({exc}); save it again with {saver}") from exc
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataError(f"{path} is truncated or corrupt ({exc}); save it again with {saver}") from exc


def _data_key(path: Path, keys: list[str]) -> str:
    """The key of the data in an ``.npz`` holding ``keys``."""
    if "x" in keys:
        return "x"
    if not keys:
        raise DataError(f"{path} holds no arrays; save the data with numpy.savez(path, x=data)")
    if keys == ["y"]:
        raise DataError(f"{path} holds only labels 'y'; store the data under the key 'x'")
    if len(keys) == 1:
        return keys[0]
    raise DataError(
        f"{path} holds arrays {keys}; store the data under the key 'x' (and labels, if any, under 'y')"
    )


def load_array_file(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    """The data array and the labels (or None) in a ``.npy`` or ``.npz`` file."""
    _check_file_type(path)
    with _reading(path):
        if path.suffix.lower() == ".npy":
            return np.load(path, mmap_mode="r", allow_pickle=False), None
        with np.load(path, allow_pickle=False) as npz:
            keys = list(npz.keys())
            key = _data_key(path, keys)
            return npz[key], (npz["y"] if "y" in keys and key != "y" else None)


def _channels_first(x: np.ndarray, path: Path) -> np.ndarray:
    if x.ndim == 3:
        return x[:, None]
    if x.shape[1] in _CHANNELS:
        return x
    if x.shape[-1] in _CHANNELS:
        return x.transpose(0, 3, 1, 2)
    raise DataError(
        f"{path} has shape {x.shape}: images must be (N, C, H, W) or (N, H, W, C) "
        "with C = 1, 3 or 4 channels"
    )


def _chunks(x: np.ndarray):
    """``x`` in runs of rows of about 64 MiB: a memory-mapped array is scanned without
    holding it in memory."""
    step = max(1, (64 << 20) // max(1, x[:1].nbytes))
    for start in range(0, len(x), step):
        yield x[start:start + step]


def _check_values(x: np.ndarray, path: Path) -> None:
    if x.dtype.kind not in "iuf":
        raise DataError(f"{path} holds {x.dtype} values; save a numeric array")
    if x.ndim not in (2, 3, 4):
        raise DataError(
            f"{path} has shape {x.shape}; expected points (N, D) or images "
            "(N, H, W) / (N, C, H, W)"
        )
    if len(x) < 2:
        raise DataError(f"{path} holds {len(x)} sample(s); at least 2 are needed (train and test)")
    if 0 in x.shape[1:]:
        raise DataError(f"{path} has shape {x.shape}: its samples hold no values; every axis but the first "
                        "must have a length >= 1")
    if x.dtype.kind == "f" and not all(np.isfinite(chunk).all() for chunk in _chunks(x)):
        raise DataError(f"{path} contains NaN or infinite values; remove or replace them")


def _pixel_range(x: np.ndarray) -> tuple[float, float]:
    if x.dtype == np.uint8:
        return 0.0, 255.0  # every uint8 is a pixel value: no need to read a memory-mapped file through
    ranges = [(chunk.min(), chunk.max()) for chunk in _chunks(x)]
    return float(min(lo for lo, _ in ranges)), float(max(hi for _, hi in ranges))


def _image_scale(x: np.ndarray, path: Path) -> float:
    """The largest pixel value (255 or 1) of an image array, after checking its range."""
    lo, hi = _pixel_range(x)
    if x.dtype.kind in "iu":
        if lo < 0 or hi > 255:
            raise DataError(f"{path}: integer pixels must lie in 0..255, found {lo:g}..{hi:g}")
        return 255.0
    if lo < 0 or hi > 1:
        raise DataError(
            f"{path}: float images must lie in [0, 1], found [{lo:g}, {hi:g}]; "
            "rescale them or save uint8 pixels 0..255"
        )
    return 1.0


def stored_samples(x: np.ndarray, path: Path) -> tuple[np.ndarray, float | None]:
    """``(samples, max_value)`` as an :class:`ArrayDataset` holds them, after checking ``x``:
    points as float32 (max_value None); images channels-first, integers as uint8 and floats
    as float32 — a memory-mapped array of floats is kept as mapped, converted per batch."""
    _check_values(x, path)
    if x.ndim == 2:
        with np.errstate(over="ignore"):
            points = np.ascontiguousarray(x, dtype=np.float32)
        if not np.isfinite(points).all():
            raise DataError(f"{path} holds values beyond float32's range (about ±3.4e38); rescale them")
        return points, None
    x = _channels_first(x, path)
    scale = _image_scale(x, path)
    if x.dtype.kind in "iu" and x.dtype != np.uint8:
        x = x.astype(np.uint8)  # values checked to lie in 0..255: exact, and 1 byte per pixel
    elif x.dtype.kind == "f" and x.dtype != np.float32 and not isinstance(x, np.memmap):
        x = x.astype(np.float32)
    return x, scale


def _check_labels(y: np.ndarray, n: int, path: Path) -> int:
    if y.ndim != 1 or len(y) != n or y.dtype.kind not in "iu" or (len(y) and y.min() < 0):
        raise DataError(
            f"{path}: labels 'y' must be {n} non-negative integers, one per sample "
            f"(got {y.dtype} of shape {y.shape})"
        )
    return int(y.max()) + 1


class UserData(ArrayDataset):
    """Data from a user's ``.npy`` / ``.npz`` file or image folder (see the module doc).

    ``classes``: the class folders' names in label order (``[]`` unless the data came
    from class folders); ``memory_mapped``: the samples are read from the file per batch.
    """

    name = "file"

    def __init__(self, path: str | Path, **options):
        path = Path(path).expanduser()
        if not path.exists():
            raise DataError(f"{path} does not exist; give a .npy or .npz file or a folder of images")
        classes: list[str] = []
        if path.is_dir():
            folder = load_image_folder(path)
            raw, labels, classes = folder.pixels, folder.labels, folder.classes
        elif path.suffix.lower() in ARRAY_SUFFIXES:
            raw, labels = load_array_file(path)
        else:
            raise DataError(f"{path}: unsupported file type; give a .npy or .npz file or a folder of images")
        samples, max_value = stored_samples(raw, path)
        num_classes = 0 if labels is None else _check_labels(labels, len(samples), path)
        train, test = fixed_split(len(samples), max(1, round(TEST_FRACTION * len(samples))))
        super().__init__(samples, train_rows=train, test_rows=test, max_value=max_value, labels=labels,
                         num_classes=num_classes, **options)
        self.name = str(path)
        self.path = path
        self.num_classes = num_classes
        self.classes = classes
        self.memory_mapped = isinstance(samples, np.memmap)
        self.citation = f"user data from {path}"
