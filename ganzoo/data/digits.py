"""``digits``: the embedded default dataset, 1797 real 8x8 handwritten digits.

The UCI optical-digits images that scikit-learn ships (E. Alpaydin and C. Kaynak,
1998, CC BY 4.0; see DIGITS_LICENSE.txt), stored in ``digits.npz`` and regenerated
by ``scripts/make_digits.py``. Pixel values 0..16 map to [-1, 1].
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ganzoo.data.arrays import fixed_split, images_to_model_space, labels_to_tensor
from ganzoo.data.base import TensorDataset
from ganzoo.errors import DataError

ARRAY_FILE = Path(__file__).with_name("digits.npz")
TEST_SIZE = 297  # 1500 train, 297 test
MAX_VALUE = 16


def load_arrays(path: Path = ARRAY_FILE) -> tuple[np.ndarray, np.ndarray]:
    """The raw ``images`` (N, 8, 8) uint8 in 0..16 and ``labels`` (N,) uint8."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            return npz["images"], npz["labels"]
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(
            f"cannot read the embedded digits data {path}: {exc}; reinstall ganzoo "
            "or run scripts/make_digits.py"
        ) from exc


class Digits(TensorDataset):
    """8x8 grayscale digits, shape ``(1, 8, 8)`` in [-1, 1], labels 0..9.

    The train/test split (1500/297) is fixed: it does not depend on ``seed``.
    """

    name = "digits"
    citation = (
        "UCI Optical Recognition of Handwritten Digits (E. Alpaydin, C. Kaynak, 1998), "
        "CC BY 4.0, as shipped by scikit-learn."
    )
    num_classes = 10

    def __init__(self, **options):
        images, labels = load_arrays()
        x = images_to_model_space(images[:, None], MAX_VALUE)
        y = labels_to_tensor(labels)
        train, test = fixed_split(len(x), TEST_SIZE)
        super().__init__(
            x[train], x[test],
            bounded=True,
            train_labels=y[train], test_labels=y[test],
            num_classes=self.num_classes,
            **options,
        )
