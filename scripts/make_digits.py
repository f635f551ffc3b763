#!/usr/bin/env python
"""Regenerate ``ganzoo/data/digits.npz``: the UCI optical-digits set that scikit-learn ships.

The 1797 images (8x8, values 0..16) and their labels are read either from an
installed scikit-learn (``sklearn.datasets.load_digits``) or straight from a
scikit-learn wheel's ``sklearn/datasets/data/digits.csv.gz`` (no install needed)::

    python scripts/make_digits.py                       # from an installed scikit-learn
    python scripts/make_digits.py --wheel scikit_learn-*.whl

scikit-learn is not a ganzoo dependency; it is only needed to run this script.
"""

from __future__ import annotations

import argparse
import gzip
import io
import zipfile
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "ganzoo" / "data" / "digits.npz"
CSV_IN_WHEEL = "sklearn/datasets/data/digits.csv.gz"


def from_sklearn() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.images, bunch.target


def from_wheel(wheel: Path) -> tuple[np.ndarray, np.ndarray]:
    # The CSV holds one image per row: 64 pixel values, then the label.
    with zipfile.ZipFile(wheel) as zf:
        raw = gzip.decompress(zf.read(CSV_IN_WHEEL))
    table = np.loadtxt(io.BytesIO(raw), delimiter=",")
    return table[:, :-1].reshape(-1, 8, 8), table[:, -1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="read digits.csv.gz from this scikit-learn wheel")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    images, labels = from_wheel(args.wheel) if args.wheel else from_sklearn()
    images, labels = np.asarray(images), np.asarray(labels)
    if images.shape != (1797, 8, 8) or labels.shape != (1797,):
        raise SystemExit(f"unexpected shapes {images.shape}, {labels.shape}")
    if images.min() < 0 or images.max() > 16 or not np.array_equal(images, images.round()):
        raise SystemExit("pixel values are not whole numbers in 0..16")

    np.savez_compressed(args.out, images=images.astype(np.uint8), labels=labels.astype(np.uint8))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes): {len(images)} images")


if __name__ == "__main__":
    main()
