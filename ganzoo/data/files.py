"""A user's own data: a ``.npy`` / ``.npz`` array or a folder of PNG/JPEG images.

Arrays:
  ``(N, D)``                       points, used as given (unbounded);
  ``(N, H, W)``, ``(N, C, H, W)``  images (channels-last ``(N, H, W, C)`` is accepted too):
                                   integers are pixel values 0..255, floats must lie in [0, 1];
                                   both are scaled to [-1, 1].
  A ``.npz`` holds the data under ``x`` (or as its only array) and optional integer
  labels ``y``.

A folder: its PNG/JPEG files (not subfolders), all of one size; grayscale if every
image is, otherwise RGB.

The held-out test split is a fixed 10% (at least one sample), the same for every run.
"""

from __future__ import annotations

import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ganzoo.data.arrays import fixed_split, images_to_model_space, labels_to_tensor
from ganzoo.data.base import TensorDataset
from ganzoo.errors import DataError

ARRAY_SUFFIXES = (".npy", ".npz")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
TEST_FRACTION = 0.1
_CHANNELS = (1, 3, 4)
_GRAY_MODES = ("1", "L", "LA", "I", "I;16", "F")


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
        if "allow_pickle" in str(exc):
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
            return np.load(path, allow_pickle=False), None
        with np.load(path, allow_pickle=False) as npz:
            keys = list(npz.keys())
            key = _data_key(path, keys)
            return npz[key], (npz["y"] if "y" in keys and key != "y" else None)


def load_image_folder(folder: Path) -> np.ndarray:
    """The folder's PNG/JPEG images as uint8 ``(N, C, H, W)``."""
    from PIL import Image

    entries = sorted(folder.iterdir())
    files = [p for p in entries if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()]
    if not files:
        found = f"it holds only other files, e.g. {entries[0].name}" if entries else "it is empty"
        raise DataError(
            f"no PNG or JPEG images in {folder} ({found}); put the images directly in this folder "
            "(subfolders are not searched)"
        )
    images = []
    for path in files:
        try:
            with Image.open(path) as img:
                img.load()
                images.append(img.copy())
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            raise DataError(f"cannot read image {path}: {exc}; fix or remove the file") from exc
        if images[-1].size != images[0].size:
            (w0, h0), (w, h) = images[0].size, images[-1].size
            raise DataError(
                f"{path} is {w}x{h} but {files[0]} is {w0}x{h0}; all images must share one "
                "size (resize them first)"
            )
    mode = "L" if all(img.mode in _GRAY_MODES for img in images) else "RGB"
    arrays = [np.asarray(img.convert(mode), dtype=np.uint8) for img in images]
    stacked = np.stack(arrays)
    return stacked[:, None] if mode == "L" else stacked.transpose(0, 3, 1, 2)


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


def _image_scale(x: np.ndarray, path: Path) -> float:
    """The largest pixel value (255 or 1) of an image array, after checking its range."""
    lo, hi = float(x.min()), float(x.max())
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


def to_model_space(x: np.ndarray, path: Path):
    """``(tensor, bounded)``: points as given, images scaled to [-1, 1]."""
    import torch

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
    if x.dtype.kind == "f" and not np.isfinite(x).all():
        raise DataError(f"{path} contains NaN or infinite values; remove or replace them")
    if x.ndim == 2:
        with np.errstate(over="ignore"):
            points = np.ascontiguousarray(x, dtype=np.float32)
        if not np.isfinite(points).all():
            raise DataError(f"{path} holds values beyond float32's range (about ±3.4e38); rescale them")
        return torch.from_numpy(points), False
    x = _channels_first(x, path)
    return images_to_model_space(x, _image_scale(x, path)), True


def _check_labels(y: np.ndarray, n: int, path: Path) -> int:
    if y.ndim != 1 or len(y) != n or y.dtype.kind not in "iu" or (len(y) and y.min() < 0):
        raise DataError(
            f"{path}: labels 'y' must be {n} non-negative integers, one per sample "
            f"(got {y.dtype} of shape {y.shape})"
        )
    return int(y.max()) + 1


class UserData(TensorDataset):
    """Data from a user's ``.npy`` / ``.npz`` file or image folder (see the module doc)."""

    name = "file"

    def __init__(self, path: str | Path, **options):
        path = Path(path).expanduser()
        if not path.exists():
            raise DataError(f"{path} does not exist; give a .npy or .npz file or a folder of images")
        if path.is_dir():
            raw, labels = load_image_folder(path), None
        elif path.suffix.lower() in ARRAY_SUFFIXES:
            raw, labels = load_array_file(path)
        else:
            raise DataError(f"{path}: unsupported file type; give a .npy or .npz file or a folder of images")
        x, bounded = to_model_space(raw, path)
        num_classes = 0 if labels is None else _check_labels(labels, len(x), path)
        train, test = fixed_split(len(x), max(1, round(TEST_FRACTION * len(x))))
        y = labels_to_tensor(labels)
        super().__init__(
            x[train], x[test],
            bounded=bounded,
            train_labels=None if y is None else y[train],
            test_labels=None if y is None else y[test],
            num_classes=num_classes,
            **options,
        )
        self.name = str(path)
        self.path = path
        self.num_classes = num_classes
        self.citation = f"user data from {path}"
