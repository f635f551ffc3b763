"""Fully connected generator and discriminator, sized from the data's shape (the encoder of
the same kind is in ``ganzoo.zoo.encoders``).

They flatten images and reshape outputs, so the same networks serve 2-D points and
small images. With ``num_classes > 0`` both are conditioned by concatenating a
one-hot label to their input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganzoo.api import DataInfo, Discriminator, Generator
from ganzoo.zoo.arguments import flag, number, whole_number, widths
from ganzoo.zoo.datakind import check_data_kind
from ganzoo.zoo.latent import GaussianMixturePrior

__all__ = ["MLPDiscriminator", "MLPGenerator", "activation_layers", "dense_layers", "init_normal", "widths",
           "with_labels"]

_ACTIVATIONS = {"leaky_relu": lambda: nn.LeakyReLU(0.2), "relu": nn.ReLU}


def activation_layers(name: str):
    """What builds the activation layers ``name`` names: "leaky_relu" (slope 0.2) or "relu"."""
    if not isinstance(name, str) or name not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(_ACTIVATIONS)}, got {name!r}")
    return _ACTIVATIONS[name]


def dense_layers(width: int, hidden: list[int], out: int, make_activation, wrap=lambda layer: layer) -> nn.Sequential:
    """``width`` inputs → each hidden width (a linear layer, ``wrap``-ped, then an activation) → ``out``
    outputs of a last linear layer, ``wrap``-ped too (e.g. in spectral normalisation)."""
    layers: list[nn.Module] = []
    for h in hidden:
        layers += [wrap(nn.Linear(width, h)), make_activation()]
        width = h
    layers.append(wrap(nn.Linear(width, out)))
    return nn.Sequential(*layers)


def with_labels(x: Tensor, labels: Tensor | None, num_classes: int) -> Tensor:
    """``x`` (n, features) with the one-hot ``labels`` appended; ``x`` itself when unconditional."""
    if num_classes == 0:
        return x
    if labels is None:
        raise ValueError("this network is conditional: pass labels")
    return torch.cat([x, F.one_hot(labels.long(), num_classes).to(x.dtype)], dim=1)


def init_normal(module: nn.Module, std: float) -> None:
    """Every linear layer's weights drawn from N(0, std), its biases zero (std 0: left as built)."""
    if std == 0:
        return
    for m in module.modules():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, std)
            nn.init.zeros_(m.bias)


class MLPGenerator(Generator):
    """latent → hidden layers (LeakyReLU 0.2, BatchNorm after the first) → data shape.

    hidden: widths of the hidden layers (default 256, 512, 1024); an empty list: none.
    batchnorm: BatchNorm after every hidden layer but the first.
    batchnorm_first: with ``batchnorm``, after the first hidden layer too (PacGAN's 2-D generator).
    activation: "leaky_relu" (slope 0.2) or "relu" (with He initialisation).
    output: "tanh" or "linear"; default tanh for bounded data (images), linear otherwise.
        "sigmoid" (bounded data only) is mapped to [-1, 1] as ``2 * sigmoid(x) - 1``.
    data_kind: "any", "points" or "images": refuse other data when built.
    latent_components: 0 for a standard-normal latent; else the number of components of a
        Gaussian-mixture latent prior (``ganzoo.zoo.latent``), each of std ``latent_std``.
    init_std: 0 for PyTorch's initialisation (He's for ReLU); else linear weights N(0, init_std)
        and zero biases.
    output_bias: "zero" (as initialised), or "marginals": when a run starts, the last layer's
        biases are set so that each output starts at the training data's mean of that feature
        (Goodfellow et al.'s MNIST generator, whose sigmoid starts at the pixels' marginals).
    """

    summary = "MLP generator: latent -> 256 -> 512 -> 1024 -> data, LeakyReLU + BatchNorm"

    def __init__(
        self,
        data: DataInfo,
        latent_dim: int = 100,
        num_classes: int = 0,
        hidden: int | Sequence[int] = (256, 512, 1024),
        batchnorm: bool = True,
        activation: str = "leaky_relu",
        output: str | None = None,
        data_kind: str = "any",
        latent_components: int = 0,
        latent_std: float = 0.1,
        batchnorm_first: bool = False,
        init_std: float = 0.0,
        output_bias: str = "zero",
    ):
        super().__init__(data, latent_dim, num_classes)
        if output_bias not in ("zero", "marginals"):
            raise ValueError(f"output_bias must be 'zero' or 'marginals', got {output_bias!r}")
        self.output_bias = output_bias
        check_data_kind(data, data_kind, "this MLP generator")
        hidden, batchnorm = widths(hidden), flag("batchnorm", batchnorm)
        batchnorm_first = flag("batchnorm_first", batchnorm_first)
        init_std = number("init_std", init_std, at_least=0)
        latent_components = whole_number("latent_components", latent_components, 0)
        latent_std = number("latent_std", latent_std, above=0)
        self.prior = None
        if latent_components:
            self.prior = GaussianMixturePrior(self.latent_dim, latent_components, latent_std)
        output = output or ("tanh" if data.bounded else "linear")
        if output not in ("tanh", "linear", "sigmoid"):
            raise ValueError(f"output must be 'tanh', 'linear' or 'sigmoid', got {output!r}")
        if output == "sigmoid" and not data.bounded:
            raise ValueError("a sigmoid output needs bounded data (images in [-1, 1]); use output=linear")
        make_activation = activation_layers(activation)
        self.output = output
        layers: list[nn.Module] = []
        width = self.latent_dim + self.num_classes
        for i, h in enumerate(hidden):
            layers.append(nn.Linear(width, h))
            if activation == "relu":  # He initialisation: ReLU activations keep their scale with depth
                nn.init.kaiming_normal_(layers[-1].weight, nonlinearity="relu")
                nn.init.zeros_(layers[-1].bias)
            if batchnorm and (i > 0 or batchnorm_first):
                layers.append(nn.BatchNorm1d(h))
            layers.append(make_activation())
            width = h
        layers.append(nn.Linear(width, data.numel))
        if output == "tanh":
            layers.append(nn.Tanh())
        elif output == "sigmoid":
            layers.append(nn.Sigmoid())
        self.net = nn.Sequential(*layers)
        init_normal(self.net, init_std)

    #: training samples whose feature means ``output_bias="marginals"`` starts the outputs at
    MARGINAL_SAMPLES = 10_000

    def init_from_data(self, draw) -> None:
        """With ``output_bias="marginals"``: the last linear layer's biases are the output
        function's inverse at the data's feature means (clipped inside its range)."""
        if self.output_bias != "marginals":
            return
        mean = draw(self.MARGINAL_SAMPLES).flatten(1).double().mean(0)
        if self.output == "sigmoid":
            bias = torch.logit((mean + 1) / 2, eps=1e-3)
        elif self.output == "tanh":
            bias = torch.atanh(mean.clamp(-1 + 2e-3, 1 - 2e-3))
        else:
            bias = mean
        last = [m for m in self.net if isinstance(m, nn.Linear)][-1]
        last.bias.copy_(bias.to(last.bias))

    def sample_latent(self, n, generator=None, device=None):
        if self.prior is None:
            return super().sample_latent(n, generator, device)
        return self.prior.sample(n, generator).to(device or self.prior.centres.device)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        out = self.net(with_labels(z, labels, self.num_classes))
        if self.output == "sigmoid":
            out = 2 * out - 1  # the model space of bounded data is [-1, 1]
        return out.view(len(z), *self.data.shape)


class MLPDiscriminator(Discriminator):
    """data → hidden layers (LeakyReLU 0.2, or ReLU) → one logit per sample.

    hidden: widths of the hidden layers (default 512, 256); an empty list: none.
    activation: "leaky_relu" (slope 0.2) or "relu" (the VEEGAN and Unrolled GAN 2-D set-ups).
    spectral_norm: constrain every linear layer's spectral norm to 1 (Miyato et al. 2018).
    data_kind: "any", "points" or "images": refuse other data when built.
    fourier_features: 0 (default) for none; else the input is joined by the sines and cosines
    of this many random projections of it (Tancik et al. 2020), so that D can see detail far
    finer than the data's extent (a fully connected ReLU net learns coarse functions first, and
    on 2-D mixtures it cannot tell a mode's Gaussian from the generator's heavier-tailed blob).
    fourier_scale: the projections' frequencies are drawn from N(0, fourier_scale²), in cycles
    per unit of the data (4 resolves ring8's modes of std 0.01 and grid25's of 0.05 alike; 10
    is too fine for grid25's). The frequencies are a buffer drawn when the network is built:
    they are in the checkpoint and fixed in training.
    """

    summary = "MLP discriminator: data -> 512 -> 256 -> 1 logit, LeakyReLU"

    def __init__(
        self,
        data: DataInfo,
        num_classes: int = 0,
        hidden: int | Sequence[int] = (512, 256),
        spectral_norm: bool = False,
        data_kind: str = "any",
        activation: str = "leaky_relu",
        fourier_features: int = 0,
        fourier_scale: float = 1.0,
    ):
        super().__init__(data, num_classes)
        check_data_kind(data, data_kind, "this MLP discriminator")
        hidden, make_activation = widths(hidden), activation_layers(activation)
        norm = nn.utils.parametrizations.spectral_norm if flag("spectral_norm", spectral_norm) else (lambda m: m)
        features = whole_number("fourier_features", fourier_features, 0)
        scale = number("fourier_scale", fourier_scale, above=0.0)
        # registered only when used, so a checkpoint without the option keeps its names
        self.register_buffer("frequencies", torch.randn(data.numel, features) * scale if features else None)
        self.net = dense_layers(data.numel + 2 * features + self.num_classes, hidden, 1, make_activation, norm)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        x = x.flatten(1)
        if self.frequencies is not None:
            phase = (2 * math.pi) * (x @ self.frequencies.to(x.dtype))
            x = torch.cat([x, phase.sin(), phase.cos()], dim=1)
        return self.net(with_labels(x, labels, self.num_classes)).squeeze(1)
