"""DCGAN generator and discriminator that size themselves from the image shape.

One pair of networks serves 8×8 digits, 28×28 MNIST, 32×32 and 64×64 images: each
side is halved while it stays even and above 4 (8 → 4, 28 → 7, 32 → 4, 64 → 4), giving
the base grid and the number of stride-2 layers. Channels double at each layer away
from the image: ``width`` next to it, ``width * 2**(n-1)`` at the base grid
(Radford et al. 2016). With ``num_classes > 0`` the generator appends a one-hot label
to the latent and the discriminator appends one constant plane per class to the image.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganzoo.api import DataInfo, Discriminator, Generator
from ganzoo.zoo.arguments import flag, whole_number
from ganzoo.zoo.datakind import check_data_kind
from ganzoo.zoo.mlp import with_labels

NORMS = ("batch", "layer", "none")
#: what the contract kit (``ganzoo.testing``) checks the networks on: both kinds of base grid
CONTRACT_DATA = (DataInfo((1, 8, 8), bounded=True), DataInfo((1, 28, 28), bounded=True),
                 DataInfo((3, 32, 32), bounded=True))


def plan(data: DataInfo, who: str) -> tuple[int, int, int]:
    """``(base_h, base_w, n)``: the grid the networks start (G) or end (D) at, and the
    number of stride-2 layers between it and the image."""
    check_data_kind(data, "images", who)
    _, h, w = data.shape
    n = 0
    while h % 2 == 0 and w % 2 == 0 and min(h, w) > 4:
        h, w, n = h // 2, w // 2, n + 1
    if n == 0:
        raise ValueError(f"{who} needs image sides divisible by 2 and above 4 (e.g. 8, 28, 32, 64), "
                         f"got {data.shape[1]}x{data.shape[2]}")
    return h, w, n


def _norm(kind: str, channels: int) -> nn.Module:
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "layer":  # one group: normalises over (C, H, W) per sample, as WGAN-GP advises
        return nn.GroupNorm(1, channels)
    return nn.Identity()


def _init_weights(module: nn.Module) -> None:
    """DCGAN initialisation: weights N(0, 0.02), norm scales N(1, 0.02), biases 0."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


class DCGANGenerator(Generator):
    """latent → linear to the base grid → stride-2 transposed convs (BatchNorm, ReLU) → tanh.

    width: channels of the last hidden layer (default 64); the base grid has ``width * 2**(n-1)``.
    extra_layers: 3×3 convolutions (BatchNorm, ReLU) added before the output layer, at the
        resolution below the image's: depth for small images, whose plan has one stride-2 layer.
    """

    summary = "DCGAN generator: transposed convolutions with BatchNorm, sized from the image shape"
    contract_data = CONTRACT_DATA

    def __init__(self, data: DataInfo, latent_dim: int = 100, num_classes: int = 0, width: int = 64,
                 extra_layers: int = 0):
        super().__init__(data, latent_dim, num_classes)
        h, w, n = plan(data, "the DCGAN generator")
        width, extra_layers = whole_number("width", width, 1), whole_number("extra_layers", extra_layers, 0)
        channels = [width * 2 ** i for i in reversed(range(n))]  # base grid first
        self.base = (channels[0], h, w)
        self.project = nn.Sequential(
            nn.Linear(self.latent_dim + self.num_classes, channels[0] * h * w, bias=False),
            nn.Unflatten(1, self.base),
            nn.BatchNorm2d(channels[0]),
            nn.ReLU(),
        )
        layers: list[nn.Module] = []
        for c_in, c_out in zip(channels, channels[1:]):
            layers += [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()]
        for _ in range(extra_layers):
            layers += [nn.Conv2d(channels[-1], channels[-1], 3, 1, 1, bias=False), nn.BatchNorm2d(channels[-1]), nn.ReLU()]
        layers += [nn.ConvTranspose2d(channels[-1], data.shape[0], 4, 2, 1), nn.Tanh()]
        self.upsample = nn.Sequential(*layers)
        _init_weights(self)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        return self.upsample(self.project(with_labels(z, labels, self.num_classes)))


class DCGANDiscriminator(Discriminator):
    """image → stride-2 convs (LeakyReLU 0.2; a norm after all but the first) → linear → logit.

    width: channels of the first layer (default 64), doubling at each stride-2 layer.
    norm: "batch" (DCGAN), "layer" (for gradient penalties, which BatchNorm breaks) or "none".
    spectral_norm: constrain every layer's spectral norm to 1 (SNGAN; use with norm="none").
    extra_layers: 3×3 convolutions (the norm, LeakyReLU) added after the first layer, at its
        resolution: depth for small images, whose plan has one stride-2 layer.
    minibatch_std: 0 for none; else a group size: before the last layer, one feature map more
        holds the standard deviation of the features over each group of that many samples
        (Karras et al. 2018), so D sees how varied G's samples are. Batches must divide by it.
    """

    summary = "DCGAN discriminator: strided convolutions, BatchNorm/LayerNorm/spectral norm, sized from the image"
    contract_data = CONTRACT_DATA

    def __init__(self, data: DataInfo, num_classes: int = 0, width: int = 64, norm: str = "batch",
                 spectral_norm: bool = False, minibatch_std: int = 0, extra_layers: int = 0):
        super().__init__(data, num_classes)
        h, w, n = plan(data, "the DCGAN discriminator")
        extra_layers = whole_number("extra_layers", extra_layers, 0)
        self.minibatch_std = whole_number("minibatch_std", minibatch_std, 0)
        width, spectral_norm = whole_number("width", width, 1), flag("spectral_norm", spectral_norm)
        if norm not in NORMS:
            raise ValueError(f"norm must be one of {', '.join(NORMS)}, got {norm!r}")
        channels = [data.shape[0] + self.num_classes] + [width * 2 ** i for i in range(n)]
        layers: list[nn.Module] = []
        for i, (c_in, c_out) in enumerate(zip(channels, channels[1:])):
            layers.append(nn.Conv2d(c_in, c_out, 4, 2, 1, bias=norm == "none"))
            if i > 0:
                layers.append(_norm(norm, c_out))
            layers.append(nn.LeakyReLU(0.2))
            if i == 0:
                for _ in range(extra_layers):
                    layers += [nn.Conv2d(c_out, c_out, 3, 1, 1, bias=norm == "none"), _norm(norm, c_out), nn.LeakyReLU(0.2)]
        layers += [nn.Flatten(), nn.Linear((channels[-1] + bool(self.minibatch_std)) * h * w, 1)]
        self.net = nn.Sequential(*layers)
        _init_weights(self)
        if spectral_norm:
            for m in self.net:
                if isinstance(m, (nn.Conv2d, nn.Linear)):
                    nn.utils.parametrizations.spectral_norm(m)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        if self.num_classes:
            if labels is None:
                raise ValueError("this network is conditional: pass labels")
            planes = F.one_hot(labels.long(), self.num_classes).to(x.dtype)
            x = torch.cat([x, planes[:, :, None, None].expand(-1, -1, *x.shape[2:])], dim=1)
        if not self.minibatch_std:
            return self.net(x).squeeze(1)
        x = self.net[:-2](x)
        return self.net[-2:](torch.cat([x, group_std(x, self.minibatch_std)], dim=1)).squeeze(1)


def group_std(x: Tensor, group: int) -> Tensor:
    """``(n, 1, h, w)``: for each sample, the mean over features of their standard deviation
    across its group, the ``g = min(group, n)`` samples ``i``, ``i + n/g``, ``i + 2n/g``, ..."""
    n = len(x)
    g = min(group, n)
    if n % g:
        raise ValueError(f"minibatch_std={group} needs batches that divide by it, got a batch of {n}")
    y = x.reshape(g, n // g, *x.shape[1:])
    std = (y.var(dim=0, unbiased=False) + 1e-8).sqrt().mean(dim=(1, 2, 3))  # (n/g,)
    return std.repeat(g).view(n, 1, 1, 1).expand(n, 1, *x.shape[2:])
