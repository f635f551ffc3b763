"""Fully connected generator and discriminator, sized from the data's shape.

They flatten images and reshape outputs, so the same networks serve 2-D points and
small images. With ``num_classes > 0`` both are conditioned by concatenating a
one-hot label to their input.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganzoo.api import DataInfo, Discriminator, Generator


def _widths(hidden: int | Sequence[int]) -> list[int]:
    return [hidden] if isinstance(hidden, int) else [int(h) for h in hidden]


def _with_labels(x: Tensor, labels: Tensor | None, num_classes: int) -> Tensor:
    if num_classes == 0:
        return x
    if labels is None:
        raise ValueError("this network is conditional: pass labels")
    return torch.cat([x, F.one_hot(labels.long(), num_classes).to(x.dtype)], dim=1)


class MLPGenerator(Generator):
    """latent → hidden layers (LeakyReLU 0.2, BatchNorm after the first) → data shape.

    hidden: widths of the hidden layers (default 256, 512, 1024).
    output: "tanh" or "linear"; default tanh for bounded data (images), linear otherwise.
    """

    summary = "MLP generator: latent -> 256 -> 512 -> 1024 -> data, LeakyReLU + BatchNorm"

    def __init__(
        self,
        data: DataInfo,
        latent_dim: int = 100,
        num_classes: int = 0,
        hidden: int | Sequence[int] = (256, 512, 1024),
        batchnorm: bool = True,
        output: str | None = None,
    ):
        super().__init__(data, latent_dim, num_classes)
        output = output or ("tanh" if data.bounded else "linear")
        if output not in ("tanh", "linear"):
            raise ValueError(f"output must be 'tanh' or 'linear', got {output!r}")
        layers: list[nn.Module] = []
        width = self.latent_dim + self.num_classes
        for i, h in enumerate(_widths(hidden)):
            layers.append(nn.Linear(width, h))
            if batchnorm and i > 0:
                layers.append(nn.BatchNorm1d(h))
            layers.append(nn.LeakyReLU(0.2))
            width = h
        layers.append(nn.Linear(width, data.numel))
        if output == "tanh":
            layers.append(nn.Tanh())
        self.net = nn.Sequential(*layers)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        out = self.net(_with_labels(z, labels, self.num_classes))
        return out.view(len(z), *self.data.shape)


class MLPDiscriminator(Discriminator):
    """data → hidden layers (LeakyReLU 0.2) → one logit per sample.

    hidden: widths of the hidden layers (default 512, 256).
    """

    summary = "MLP discriminator: data -> 512 -> 256 -> 1 logit, LeakyReLU"

    def __init__(self, data: DataInfo, num_classes: int = 0, hidden: int | Sequence[int] = (512, 256)):
        super().__init__(data, num_classes)
        layers: list[nn.Module] = []
        width = data.numel + self.num_classes
        for h in _widths(hidden):
            layers += [nn.Linear(width, h), nn.LeakyReLU(0.2)]
            width = h
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        return self.net(_with_labels(x.flatten(1), labels, self.num_classes)).squeeze(1)
