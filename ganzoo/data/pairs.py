"""Two image domains for image-to-image translation: the data of pix2pix and CycleGAN.

A sample is an image of domain A and an image of domain B side by side along the channels,
``(cA + cB, H, W)`` in [-1, 1]; ``info.domains`` is ``(cA, cB)`` and :meth:`DomainPair.split`
takes a batch apart. In *paired* data (pix2pix) the B image is the A image's counterpart; in
*unpaired* data (CycleGAN) each side is drawn on its own, so no pair is ever seen.

Built in, offline, from the embedded 8×8 digits (1 500 train / 297 test, the digits' split):

- ``digits-edges`` (paired): A is a digit's edge map (where the stroke's intensity changes
  steeply), B the digit itself: the edges-to-photo task at the size of this machine.
- ``digits-bold`` (unpaired): A is a digit, B the same style of digit in a bold stroke (each
  pixel the brightest of itself and its four neighbours). The training split's digits are dealt
  into two halves, A's from one and B's from the other, so no digit appears in both domains.

A user's folder, in the usual layouts (see :func:`load_domain_folder`): ``trainA/`` and
``trainB/`` (unpaired, with ``testA/`` and ``testB/`` when present), or side-by-side pairs,
each image A on the left and B on the right, in ``train/`` (and ``test/`` or ``val/``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from ganzoo.api import DataInfo
from ganzoo.data.arrays import images_to_model_space
from ganzoo.data.base import Dataset, TensorDataset
from ganzoo.data.digits import Digits
from ganzoo.errors import DataError

_DIGITS_CITATION = ("UCI Optical Recognition of Handwritten Digits (E. Alpaydin, C. Kaynak, 1998), CC BY 4.0, "
                    "as shipped by scikit-learn.")


class DomainPair(Dataset):
    """Images of domains A and B, in model space, as ``(n, cA + cB, H, W)`` samples.

    a_train, b_train, a_test, b_test: ``(n, c, H, W)`` tensors in [-1, 1]. With ``paired`` the
    i-th B image belongs to the i-th A image (the splits then have equal lengths); without it
    the two sides of a training sample are drawn independently. The test split pairs the i-th
    images of each side (up to the shorter side). ``test_labels``: labels of A's test images,
    where known (the translation metrics read them); the data is never conditional.
    ``test_paired``: whether the test split's B images are its A images' counterparts, so that
    pixel metrics apply (default: ``paired``; an unpaired built-in may still test on twins).
    """

    def __init__(self, a_train: Tensor, b_train: Tensor, a_test: Tensor, b_test: Tensor, *, paired: bool,
                 test_labels: Tensor | None = None, test_paired: bool | None = None, **options):
        super().__init__(**options)
        for side, images in (("A", a_train), ("B", b_train), ("A", a_test), ("B", b_test)):
            if images.dim() != 4 or images.shape[-2:] != a_train.shape[-2:] or len(images) == 0:
                raise DataError(f"domain {side} images must be non-empty (n, C, H, W) batches of one size; "
                                f"got {tuple(images.shape)} beside A's {tuple(a_train.shape)}")
        if a_train.shape[1] != a_test.shape[1] or b_train.shape[1] != b_test.shape[1]:
            raise DataError("each domain's train and test images must have the same channels")
        if paired and (len(a_train) != len(b_train) or len(a_test) != len(b_test)):
            raise DataError(f"paired domains need as many B images as A images; got {len(a_train)} and "
                            f"{len(b_train)} (train), {len(a_test)} and {len(b_test)} (test)")
        self.paired = paired
        #: the test split's B images are its A images' counterparts (pixel metrics apply); default: ``paired``
        self.test_paired = paired if test_paired is None else test_paired
        self.a_train, self.b_train = a_train.float().contiguous(), b_train.float().contiguous()
        n = min(len(a_test), len(b_test))
        self.test = torch.cat([a_test[:n], b_test[:n]], dim=1).float().contiguous()
        self.test_labels = None if test_labels is None else test_labels[:n]
        self.info = DataInfo((a_train.shape[1] + b_train.shape[1], *a_train.shape[2:]), bounded=True,
                             domains=(a_train.shape[1], b_train.shape[1]))

    def split(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """A batch ``(n, cA + cB, H, W)`` as its A and B images."""
        return split(x, self.info)

    def labelled_domain(self, index: int) -> TensorDataset | None:
        """Domain ``index``'s images with labels (what a classifier of that domain trains on), or
        None when the data has no labels. The built-in digit domains have them."""
        return None

    def sample(self, n, generator):
        a = torch.randint(len(self.a_train), (n,), generator=generator)
        b = a if self.paired else torch.randint(len(self.b_train), (n,), generator=generator)
        return torch.cat([self.a_train[a], self.b_train[b]], dim=1), None

    def test_split(self):
        return self.test, self.test_labels


def split(x: Tensor, info: DataInfo) -> tuple[Tensor, Tensor]:
    """A two-domain batch ``(n, cA + cB, H, W)`` of data ``info`` as its A and B images."""
    return x[:, : info.domains[0]], x[:, info.domains[0]:]


# ---------------------------------------------------------------------- built-in domains


def edge_maps(x: Tensor) -> Tensor:
    """Edge maps of images ``(n, 1, H, W)`` in [-1, 1]: 1 where the intensity's Sobel gradient
    exceeds half the strongest stroke edge, -1 elsewhere."""
    v = (x + 1) / 2
    kx = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 4
    kernels = torch.stack([kx, kx.T])[:, None]
    g = F.conv2d(F.pad(v, (1, 1, 1, 1), mode="replicate"), kernels)
    magnitude = g.square().sum(dim=1, keepdim=True).sqrt()
    return torch.where(magnitude > 0.5, 1.0, -1.0)


def bold(x: Tensor) -> Tensor:
    """Images ``(n, C, H, W)`` in [-1, 1] in a bold stroke: each pixel the brightest of itself
    and its four neighbours."""
    padded = F.pad(x, (1, 1, 1, 1), value=-1.0)
    h, w = x.shape[-2:]
    shifts = [padded[..., 1 + dy: 1 + dy + h, 1 + dx: 1 + dx + w] for dy, dx in ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1))]
    return torch.stack(shifts).amax(dim=0)


class DigitsEdges(DomainPair):
    """Paired: A = a digit's edge map, B = the digit, each ``(1, 8, 8)`` (shape ``(2, 8, 8)``)."""

    name = "digits-edges"
    citation = f"Edge maps of the embedded digits, computed here; the digits: {_DIGITS_CITATION}"

    def __init__(self, **options):
        digits = Digits()
        super().__init__(edge_maps(digits.train), digits.train, edge_maps(digits.test), digits.test, paired=True,
                         test_labels=digits.test_labels, **options)
        self._domains = _labelled(digits, edge_maps, "digits-edge-maps"), _labelled(digits, None, "digits")

    def labelled_domain(self, index):
        return self._domains[index]


class DigitsBold(DomainPair):
    """Unpaired: A = digits, B = bold digits from the other half of the training split, each
    ``(1, 8, 8)`` (shape ``(2, 8, 8)``). The test split pairs each test digit with its bold twin,
    the reference the translation metrics compare with."""

    name = "digits-bold"
    citation = f"The embedded digits and a bold stroke of them, computed here; the digits: {_DIGITS_CITATION}"

    def __init__(self, **options):
        digits = Digits()
        super().__init__(digits.train[0::2], bold(digits.train[1::2]), digits.test, bold(digits.test), paired=False,
                         test_labels=digits.test_labels, test_paired=True, **options)
        self._domains = _labelled(digits, None, "digits"), _labelled(digits, bold, "digits-bold")

    def labelled_domain(self, index):
        return self._domains[index]


def _labelled(digits: Digits, style, name: str) -> TensorDataset:
    """The digits in ``style`` (a map of image batches; None: as they are), with their labels and split."""
    style = style or (lambda x: x)
    domain = TensorDataset(style(digits.train), style(digits.test), bounded=True, train_labels=digits.train_labels,
                           test_labels=digits.test_labels, num_classes=digits.num_classes)
    domain.name = name
    return domain


# ---------------------------------------------------------------------- a user's folder

#: the splits of side-by-side pairs, in the order looked for
_PAIR_SPLITS = ("train", "test", "val")


def load_domain_folder(path: str | Path, **options) -> DomainPair:
    """A folder of two domains, in either usual layout:

    - ``trainA/`` and ``trainB/`` (each a folder of PNG/JPEG images of one size): unpaired;
      ``testA/`` and ``testB/`` are the test split when both are there, else the training images.
    - side-by-side pairs, A on the left half and B on the right, in ``train/`` (with ``test/`` or
      ``val/`` as the test split when there) or, without ``train/``, in the folder itself: paired.
    """
    from ganzoo.data.folders import load_image_folder

    root = Path(path)
    if not root.is_dir():
        raise DataError(f"{root} is not a folder; translation data is a folder with trainA/ and trainB/, "
                        "or side-by-side A|B images")
    if (root / "trainA").is_dir() or (root / "trainB").is_dir():
        missing = [d for d in ("trainA", "trainB") if not (root / d).is_dir()]
        if missing:
            raise DataError(f"{root} has {'trainB' if missing == ['trainA'] else 'trainA'}/ but no {missing[0]}/; "
                            "unpaired data needs both trainA/ and trainB/")
        test = ("testA", "testB") if all((root / d).is_dir() for d in ("testA", "testB")) else ("trainA", "trainB")
        a_train, b_train, a_test, b_test = (_images(load_image_folder(root / d).pixels, root / d)
                                            for d in ("trainA", "trainB", *test))
        return DomainPair(a_train, b_train, a_test, b_test, paired=False, **options)
    train = root / "train" if (root / "train").is_dir() else root
    test = next((root / s for s in _PAIR_SPLITS[1:] if (root / s).is_dir()), train)
    a_train, b_train = _halves(load_image_folder(train).pixels, train)
    a_test, b_test = _halves(load_image_folder(test).pixels, test) if test != train else (a_train, b_train)
    return DomainPair(a_train, b_train, a_test, b_test, paired=True, **options)


def _images(pixels: np.ndarray, where: Path) -> Tensor:
    if len(pixels) == 0:
        raise DataError(f"{where} holds no PNG/JPEG images")
    return images_to_model_space(pixels, 255)


def _halves(pixels: np.ndarray, where: Path) -> tuple[Tensor, Tensor]:
    """Side-by-side pairs as their left (A) and right (B) halves."""
    width = pixels.shape[-1]
    if width % 2:
        raise DataError(f"the images in {where} are {width} pixels wide; side-by-side pairs (A left, B right) "
                        "have an even width, twice an image's")
    x = _images(pixels, where)
    return x[..., : width // 2], x[..., width // 2:]
