"""The dataset interface: what the trainer, the samplers and the metrics rely on."""

from __future__ import annotations

import torch
from torch import Tensor

from ganzoo.api import DataInfo


class Dataset:
    """A source of training samples in *model space*.

    Images are float32 in [-1, 1] with shape ``(C, H, W)``; points are float32
    vectors. ``to_data_space`` maps model-space samples back (images to [0, 1]).

    Every dataset is constructed with the same keyword options, so the registry can
    build any of them: ``seed`` (for synthetic data), ``data_dir`` (where files live)
    and ``download`` (allowed to fetch missing files).
    """

    name: str = ""
    info: DataInfo
    #: one line: where the data comes from and its licence
    citation: str = ""
    #: mode centres ``(k, *shape)`` and their std, for mode-coverage metrics; None if unknown
    modes: Tensor | None = None
    mode_std: float | None = None

    def __init__(self, *, seed: int = 0, data_dir: str | None = None, download: bool = False):
        self.seed = seed
        self.data_dir = data_dir
        self.download = download

    def sample(self, n: int, generator: torch.Generator) -> tuple[Tensor, Tensor | None]:
        """``n`` training samples and their labels (or None), drawn with ``generator`` (CPU)."""
        raise NotImplementedError

    def test_split(self) -> tuple[Tensor, Tensor | None]:
        """Held-out samples (model space) and labels, for evaluation."""
        raise NotImplementedError

    def to_data_space(self, x: Tensor) -> Tensor:
        if self.info.bounded:
            return (x.clamp(-1, 1) + 1) / 2
        return x


class TensorDataset(Dataset):
    """A dataset held in memory: ``train`` and ``test`` tensors in model space."""

    def __init__(
        self,
        train: Tensor,
        test: Tensor,
        *,
        bounded: bool,
        train_labels: Tensor | None = None,
        test_labels: Tensor | None = None,
        num_classes: int = 0,
        **options,
    ):
        super().__init__(**options)
        self.train, self.test = train.float().contiguous(), test.float().contiguous()
        self.train_labels, self.test_labels = train_labels, test_labels
        self.info = DataInfo(tuple(train.shape[1:]), bounded, num_classes)

    def __len__(self) -> int:
        return len(self.train)

    def sample(self, n, generator):
        # Sampling with replacement keeps the data stream a pure function of the RNG state,
        # which is what makes resumed runs bit-identical.
        idx = torch.randint(len(self.train), (n,), generator=generator)
        labels = None if self.train_labels is None else self.train_labels[idx]
        return self.train[idx], labels

    def test_split(self):
        return self.test, self.test_labels
