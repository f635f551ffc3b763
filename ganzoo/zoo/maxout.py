"""The maxout discriminator of the original GAN paper (Goodfellow et al. 2014).

A maxout unit is the maximum of ``pieces`` linear functions of its input
(Goodfellow et al. 2013). The paper's MNIST discriminator: two maxout layers of
240 units × 5 pieces, dropout on the input (0.2) and hidden layers (0.5). The
maxout paper's max-norm constraint (each unit's incoming weight vector projected back
to a norm of at most ``max_norm`` after every update) is there to switch on.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from ganzoo.api import DataInfo, Discriminator
from ganzoo.zoo.arguments import number, whole_number, widths
from ganzoo.zoo.mlp import init_normal, with_labels


class Maxout(nn.Module):
    """``(n, in_features)`` → ``(n, units)``: each unit the max over ``pieces`` linear maps."""

    def __init__(self, in_features: int, units: int, pieces: int):
        super().__init__()
        self.units, self.pieces = units, pieces
        self.linear = nn.Linear(in_features, units * pieces)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(x).view(len(x), self.units, self.pieces).amax(dim=2)


class MaxoutDiscriminator(Discriminator):
    """data → dropout → maxout layers (each followed by dropout) → one logit per sample.

    hidden: units of each maxout layer (default 240, 240); pieces: linear pieces per unit (5).
    input_dropout, dropout: drop probabilities on the input (0.2) and after each hidden layer (0.5).
    init_std: 0 for PyTorch's initialisation; else linear weights N(0, init_std) and zero biases.
    max_norm: None (default) for no constraint; else, after every update of the discriminator,
        each unit's incoming weights (a row of every linear map, maxout pieces included) are
        scaled back to an L2 norm of at most ``max_norm`` (pylearn2's ``max_col_norm``; the
        maxout and GAN papers' value is 1.9365).
    """

    summary = "Maxout discriminator with dropout (Goodfellow et al. 2014): 240x5 -> 240x5 -> 1 logit"

    def __init__(self, data: DataInfo, num_classes: int = 0, hidden: int | Sequence[int] = (240, 240),
                 pieces: int = 5, input_dropout: float = 0.2, dropout: float = 0.5, init_std: float = 0.0,
                 max_norm: float | None = None):
        super().__init__(data, num_classes)
        hidden, pieces = widths(hidden), whole_number("pieces", pieces, 1)
        # A drop probability of 1 would hide every input from the discriminator.
        input_dropout = number("input_dropout", input_dropout, at_least=0, below=1)
        dropout = number("dropout", dropout, at_least=0, below=1)
        init_std = number("init_std", init_std, at_least=0)
        self.max_norm = None if max_norm is None else number("max_norm", max_norm, above=0,
                                                              hint=" (or none: no constraint)")
        self.input_dropout = nn.Dropout(input_dropout)
        layers: list[nn.Module] = []
        width = data.numel + self.num_classes
        for units in hidden:
            layers += [Maxout(width, units, pieces), nn.Dropout(dropout)]
            width = units
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)
        init_normal(self.net, init_std)

    @torch.no_grad()
    def after_step(self) -> None:
        """The max-norm projection (the trainer calls this after each update of these weights)."""
        if self.max_norm is None:
            return
        for module in self.net.modules():
            if isinstance(module, nn.Linear):
                # renorm along dim 0: every output unit's row of weights, to at most max_norm
                module.weight.copy_(torch.renorm(module.weight, p=2, dim=0, maxnorm=self.max_norm))

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        x = self.input_dropout(x.flatten(1))
        return self.net(with_labels(x, labels, self.num_classes)).squeeze(1)
