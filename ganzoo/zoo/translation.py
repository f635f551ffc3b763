"""The zoo's image-to-image networks: translators (``ganzoo.translators``) and the PatchGAN
discriminator (``ganzoo.discriminators``), after pix2pix (Isola et al. 2017) and CycleGAN
(Zhu et al. 2017). Each sizes itself from the images, so the same network serves 8×8 digits
and 256×256 photographs.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from ganzoo.api import DataInfo, Discriminator, Translator
from ganzoo.zoo.arguments import number, whole_number
from ganzoo.zoo.conv import _init_weights
from ganzoo.zoo.datakind import check_data_kind

NORMS = ("batch", "instance", "none")
#: what the contract kit checks the networks on
CONTRACT_DATA = (DataInfo((2, 8, 8), bounded=True, domains=(1, 1)),)


def _norm(kind: str, channels: int) -> nn.Module:
    if kind not in NORMS:
        raise ValueError(f"norm must be one of {', '.join(NORMS)}, got {kind!r}")
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels)
    return nn.Identity()


def _sides(source: DataInfo, target: DataInfo, who: str) -> tuple[int, int]:
    check_data_kind(source, "images", who)
    check_data_kind(target, "images", who)
    if source.shape[1:] != target.shape[1:]:
        raise ValueError(f"{who} keeps the image size; the source is {source.shape[1]}x{source.shape[2]} and "
                         f"the target {target.shape[1]}x{target.shape[2]}")
    return source.shape[1], source.shape[2]


class _Level(nn.Module):
    """One U-Net level: down, the inner levels, up, then the skip connection's concatenation."""

    def __init__(self, outer: int, inner: int, sub: nn.Module | None, norm: str, dropout: float, outermost: bool,
                 out_channels: int):
        super().__init__()
        down = [nn.LeakyReLU(0.2)] if not outermost else []
        down.append(nn.Conv2d(outer, inner, 4, 2, 1, bias=norm != "batch"))
        if sub is not None and not outermost:
            down.append(_norm(norm, inner))
        up_in = inner if sub is None else inner * 2
        up = [nn.ReLU(), nn.ConvTranspose2d(up_in, out_channels, 4, 2, 1, bias=outermost or norm != "batch")]
        if outermost:
            up.append(nn.Tanh())
        else:
            up.append(_norm(norm, out_channels))
            if dropout > 0:
                up.append(nn.Dropout(dropout))
        self.down, self.sub, self.up = nn.Sequential(*down), sub, nn.Sequential(*up)
        self.outermost = outermost

    def forward(self, x: Tensor) -> Tensor:
        y = self.down(x)
        if self.sub is not None:
            y = self.sub(y)
        y = self.up(y)
        return y if self.outermost else torch.cat([x, y], dim=1)


class UNetTranslator(Translator):
    """pix2pix's U-Net: ``depth`` stride-2 convolutions down (4×4, LeakyReLU 0.2), as many
    transposed ones up (ReLU), each level's input concatenated to its output (the skip
    connections), tanh out.

    width: channels after the first convolution (default 64), doubling per level up to 8×.
    depth: levels; default as many as halve the image to 1×1 (8 for 256×256, 3 for 8×8).
        The sides must be divisible by 2**depth.
    norm: "batch" (pix2pix), "instance" (CycleGAN) or "none".
    dropout: on the three innermost levels' up path in training (pix2pix's noise: 0.5).
    """

    summary = "pix2pix U-Net: strided convs down, transposed convs up, skip connections, sized from the image"
    contract_data = CONTRACT_DATA

    def __init__(self, source: DataInfo, target: DataInfo, width: int = 64, depth: int | None = None,
                 norm: str = "batch", dropout: float = 0.5):
        super().__init__(source, target)
        h, w = _sides(source, target, "the U-Net translator")
        width = whole_number("width", width, 1)
        most = int(math.log2(min(h, w)))
        depth = most if depth is None else whole_number("depth", depth, 1)
        if h % 2 ** depth or w % 2 ** depth:
            raise ValueError(f"the U-Net translator halves {h}x{w} images {depth} times (depth); the sides must "
                             f"be divisible by {2 ** depth}: lower depth (at most {most}) or resize the images")
        dropout = number("dropout", dropout, at_least=0)
        _norm(norm, 1)  # a bad name fails here, with the choices
        channels = [min(width * 2 ** i, width * 8) for i in range(depth)]  # after each down convolution
        level = None
        for i in reversed(range(depth)):
            outer = source.shape[0] if i == 0 else channels[i - 1]
            out = target.shape[0] if i == 0 else channels[i - 1]
            level = _Level(outer, channels[i], level, norm, dropout if 0 < depth - 1 - i <= 3 and i > 0 else 0.0,
                           outermost=i == 0, out_channels=out)
        self.net = level
        _init_weights(self)

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


class _Residual(nn.Module):
    def __init__(self, channels: int, norm: str):
        super().__init__()
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3), _norm(norm, channels), nn.ReLU(),
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3), _norm(norm, channels),
        )

    def forward(self, x: Tensor) -> Tensor:
        return x + self.body(x)


class ResNetTranslator(Translator):
    """CycleGAN's generator: a 7×7 convolution, ``downsample`` stride-2 convolutions, ``blocks``
    residual blocks, as many transposed convolutions up, a 7×7 convolution and tanh.

    width: channels of the first convolution (default 64), doubling per downsampling.
    blocks: residual blocks (CycleGAN: 9 for 256×256, 6 for 128×128).
    downsample: stride-2 layers (default 2); the sides must be divisible by 2**downsample.
    norm: "instance" (CycleGAN), "batch" or "none".
    """

    summary = "CycleGAN ResNet generator: downsample, residual blocks, upsample, instance norm"
    contract_data = CONTRACT_DATA

    def __init__(self, source: DataInfo, target: DataInfo, width: int = 64, blocks: int = 9, downsample: int = 2,
                 norm: str = "instance"):
        super().__init__(source, target)
        h, w = _sides(source, target, "the ResNet translator")
        width, blocks = whole_number("width", width, 1), whole_number("blocks", blocks, 0)
        downsample = whole_number("downsample", downsample, 0)
        if h % 2 ** downsample or w % 2 ** downsample:
            raise ValueError(f"the ResNet translator halves {h}x{w} images {downsample} times; the sides must be "
                             f"divisible by {2 ** downsample}: lower downsample")
        pad = min(3, h - 1, w - 1)  # reflection padding must be smaller than the image
        layers: list[nn.Module] = [nn.ReflectionPad2d(pad), nn.Conv2d(source.shape[0], width, 2 * pad + 1),
                                   _norm(norm, width), nn.ReLU()]
        c = width
        for _ in range(downsample):
            layers += [nn.Conv2d(c, c * 2, 3, 2, 1), _norm(norm, c * 2), nn.ReLU()]
            c *= 2
        layers += [_Residual(c, norm) for _ in range(blocks)]
        for _ in range(downsample):
            layers += [nn.ConvTranspose2d(c, c // 2, 3, 2, 1, output_padding=1), _norm(norm, c // 2), nn.ReLU()]
            c //= 2
        layers += [nn.ReflectionPad2d(pad), nn.Conv2d(c, target.shape[0], 2 * pad + 1), nn.Tanh()]
        self.net = nn.Sequential(*layers)
        _init_weights(self)

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


class PatchDiscriminator(Discriminator):
    """PatchGAN: one logit per overlapping patch, ``(n, patches)``. ``layers`` stride-2 4×4
    convolutions (LeakyReLU 0.2; a norm after all but the first), a stride-1 one, then a
    stride-1 convolution to one channel. With the defaults a 256×256 image gives 30×30 patches
    of 70×70 pixels (pix2pix's 70×70 PatchGAN); an 8×8 image with ``layers=1``, 2×2.

    width: channels of the first convolution (default 64), doubling per layer up to 8×.
    layers: stride-2 convolutions; default 3, or as many as leave patches on smaller images
        (1 for 8×8).
    norm: "batch" (pix2pix), "instance" (CycleGAN) or "none".
    """

    summary = "PatchGAN discriminator: a logit per image patch (70x70 patches at 256x256), sized from the image"
    contract_data = CONTRACT_DATA

    def __init__(self, data: DataInfo, num_classes: int = 0, width: int = 64, layers: int | None = None,
                 norm: str = "batch"):
        super().__init__(data, num_classes)
        check_data_kind(data, "images", "the PatchGAN discriminator")
        if num_classes:
            raise ValueError("the PatchGAN discriminator takes no labels; train it unconditionally")
        side = min(data.shape[1:])
        most = int(math.log2(side / 3)) if side >= 6 else 0  # the two last 4x4 convolutions take 3 pixels
        if most < 1:
            raise ValueError(f"the PatchGAN discriminator needs images of at least 6x6, got {data.shape[1]}x{data.shape[2]}")
        width = whole_number("width", width, 1)
        layers = min(3, most) if layers is None else whole_number("layers", layers, 1)
        if layers > most:
            raise ValueError(f"{layers} stride-2 layers leave no patches of {data.shape[1]}x{data.shape[2]} images; "
                             f"lower layers (at most {most})")
        channels = [data.shape[0]] + [min(width * 2 ** i, width * 8) for i in range(layers + 1)]
        net: list[nn.Module] = []
        for i, (c_in, c_out) in enumerate(zip(channels, channels[1:])):
            net.append(nn.Conv2d(c_in, c_out, 4, 2 if i < layers else 1, 1, bias=i == 0 or norm != "batch"))
            if i > 0:
                net.append(_norm(norm, c_out))
            net.append(nn.LeakyReLU(0.2))
        net += [nn.Conv2d(channels[-1], 1, 4, 1, 1), nn.Flatten()]
        self.net = nn.Sequential(*net)
        _init_weights(self)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        return self.net(x)
