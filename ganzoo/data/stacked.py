"""``stacked-digits``: three embedded 8x8 digits stacked as the channels of one image.

The offline twin of Stacked MNIST (Metz et al. 2017; the VEEGAN and PacGAN benchmark):
each sample is three independently drawn digits as its R, G and B channels, labelled
``100·d_R + 10·d_G + d_B``. Each channel draws its class uniformly, then an image of that
class, so the 10³ = 1 000 modes are equally likely (the digits' splits are not balanced:
the test split's 24..35 per class alone would put the data's KL to uniform at 0.05).
Training samples combine digits of the digits' training split afresh at every draw; the
test split is a fixed draw from the digits' own test split. ``ganzoo.metrics.stacked``
counts the modes a generator covers with the digits classifier on each channel.
"""

from __future__ import annotations

import numpy as np
import torch

from ganzoo.api import DataInfo
from ganzoo.data.arrays import SPLIT_SEED
from ganzoo.data.base import Dataset
from ganzoo.data.digits import Digits

CHANNELS = 3
MODES = 10**CHANNELS
#: stacks in the test split: the papers' sample count, so the data's own histogram is nearly flat
TEST_SIZE = 26_000
#: place value of each channel's digit in the label (R is the hundreds)
PLACES = torch.tensor([100, 10, 1])


class StackedDigits(Dataset):
    """Three digits as channels, shape ``(3, 8, 8)`` in [-1, 1], labels 0..999.

    The test split (26 000 stacks of test digits) is fixed: it does not depend on ``seed``.
    """

    name = "stacked-digits"
    citation = (
        "Stacked digits (after Stacked MNIST, Metz et al. 2017) of the UCI Optical Recognition of "
        "Handwritten Digits (E. Alpaydin, C. Kaynak, 1998), CC BY 4.0, as shipped by scikit-learn."
    )
    num_classes = MODES

    def __init__(self, **options):
        super().__init__(**options)
        digits = self.channel_dataset()
        self._train, self._train_labels = digits.train, digits.train_labels
        self.info = DataInfo((CHANNELS, 8, 8), bounded=True, num_classes=MODES)
        uniform = torch.from_numpy(np.random.RandomState(SPLIT_SEED).random_sample((2, TEST_SIZE, CHANNELS)))
        self.test, self.test_labels = _stack(digits.test, digits.test_labels, *uniform)

    @staticmethod
    def channel_dataset() -> Digits:
        """The one-channel labelled data each channel is drawn from (its classifier labels the channels)."""
        return Digits()

    def sample(self, n, generator):
        uniform = torch.rand(2, n, CHANNELS, generator=generator, dtype=torch.float64)
        return _stack(self._train, self._train_labels, *uniform)

    def test_split(self):
        return self.test, self.test_labels


def _stack(images: torch.Tensor, labels: torch.Tensor, u_class: torch.Tensor,
           u_image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Stacks ``(n, 3, 8, 8)`` and their 3-digit labels from uniforms in [0, 1) ``(n, 3)``:
    ``u_class`` picks each channel's class (all ten equally likely), ``u_image`` an image of it."""
    order = torch.argsort(labels, stable=True)  # images grouped by class
    per_class = torch.bincount(labels, minlength=10)
    first = torch.cumsum(per_class, 0) - per_class
    digit = (u_class * 10).long().clamp_(max=9)
    within = (u_image * per_class[digit]).long().minimum(per_class[digit] - 1)
    pick = order[first[digit] + within]
    stacked = images[pick].squeeze(2)  # (n, 3, 1, 8, 8) -> (n, 3, 8, 8)
    return stacked.contiguous(), (digit * PLACES).sum(dim=1)
