"""Folders of PNG/JPEG images, plain or in one subfolder per class.

Two layouts (the second is torchvision's ``ImageFolder`` convention):

  ``faces/*.png``                          a plain folder: no labels;
  ``pets/cat/*.png``, ``pets/dog/*.jpg``   class subfolders: label ``i`` is the ``i``-th
                                           subfolder in name order; a class folder's own
                                           subfolders are searched too.

Hidden entries (``.ipynb_checkpoints``) and other files are skipped. All images must
share one size; they are grayscale if every one is, otherwise RGB. They are decoded
straight into one uint8 array, so loading takes the array and one image at a time.
Decoding stays in this process: worker processes measured slower, their start included,
even for 4000 images (scripts/measure_data.py, docs/scaling.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ganzoo.errors import DataError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
_GRAY_MODES = ("1", "L", "LA", "I", "I;16", "F")


@dataclass(frozen=True)
class FolderImages:
    """``pixels`` uint8 ``(N, C, H, W)``; ``labels`` (N,) int64 and ``classes`` (the class
    folders' names, label order) for class folders, None and ``[]`` for a plain folder."""

    pixels: np.ndarray
    labels: np.ndarray | None
    classes: list[str]


def _visible(entries) -> list[Path]:
    return sorted(p for p in entries if not p.name.startswith("."))


def _images_in(entries) -> list[Path]:
    return [p for p in _visible(entries) if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()]


def _images_under(folder: Path) -> list[Path]:
    """The images in ``folder`` and its subfolders (hidden ones skipped), in path order."""
    found = []
    for entry in _visible(folder.iterdir()):
        if entry.is_dir():
            found += _images_under(entry)
        elif entry.suffix.lower() in IMAGE_SUFFIXES and entry.is_file():
            found.append(entry)
    return found


def find_images(folder: Path) -> tuple[list[Path], list[int] | None, list[str]]:
    """``(files, labels, classes)`` of an image folder in either layout (see the module doc)."""
    entries = list(folder.iterdir())
    loose = _images_in(entries)
    subfolders = [p for p in _visible(entries) if p.is_dir()]
    if loose:
        with_images = [d for d in subfolders if _images_under(d)]
        if with_images:
            raise DataError(
                f"{folder} holds both images (e.g. {loose[0].name}) and subfolders of images (e.g. "
                f"{with_images[0].name}/); for labels put every image in a subfolder named after its "
                "class, for unlabelled data move the subfolders out"
            )
        return loose, None, []
    if not subfolders:
        visible = _visible(entries)
        found = f"it holds only other files, e.g. {visible[0].name}" if visible else "it is empty"
        raise DataError(
            f"no PNG or JPEG images in {folder} ({found}); put the images directly in this folder, "
            "or in one subfolder per class"
        )
    files, labels = [], []
    for label, class_folder in enumerate(subfolders):
        images = _images_under(class_folder)
        if not images:
            raise DataError(
                f"class folder {class_folder} holds no PNG or JPEG images; add its images or remove it "
                f"(each subfolder of {folder} is one class)"
            )
        files += images
        labels += [label] * len(images)
    return files, labels, [d.name for d in subfolders]


def _read_error(path: Path, exc: Exception) -> DataError:
    return DataError(f"cannot read image {path}: {exc}; fix or remove the file")


def _header(path: Path) -> tuple[tuple[int, int], str]:
    """``(size, mode)`` from the file's header, without decoding its pixels."""
    from PIL import Image

    try:
        with Image.open(path) as img:
            return img.size, img.mode
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise _read_error(path, exc) from exc


def decode(path: Path, mode: str) -> np.ndarray:
    """The image ``path`` in ``mode`` ("L" or "RGB") as uint8 ``(C, H, W)``."""
    from PIL import Image

    try:
        with Image.open(path) as img:
            img.load()
            hwc = np.asarray(img if img.mode == mode else img.convert(mode), dtype=np.uint8)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise _read_error(path, exc) from exc
    return hwc[None] if mode == "L" else hwc.transpose(2, 0, 1)


def load_image_folder(folder: Path) -> FolderImages:
    """The folder's images as uint8 ``(N, C, H, W)``, with labels when it has class folders."""
    files, labels, classes = find_images(folder)
    headers = [_header(path) for path in files]
    (w0, h0), _ = headers[0]
    for path, ((w, h), _) in zip(files, headers):
        if (w, h) != (w0, h0):
            raise DataError(
                f"{path} is {w}x{h} but {files[0]} is {w0}x{h0}; all images must share one "
                "size (resize them first)"
            )
    mode = "L" if all(m in _GRAY_MODES for _, m in headers) else "RGB"
    pixels = np.empty((len(files), 1 if mode == "L" else 3, h0, w0), dtype=np.uint8)
    for i, path in enumerate(files):
        pixels[i] = decode(path, mode)
    return FolderImages(pixels, None if labels is None else np.asarray(labels, dtype=np.int64), classes)
