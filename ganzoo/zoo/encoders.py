"""The zoo's encoders (entry-point group ``ganzoo.encoders``): networks that map samples back to
latent vectors, for the games with an inference network (ALI/BiGAN's encoder, VEEGAN's
reconstructor; see ``ganzoo.zoo.joint``).
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor

from ganzoo.api import DataInfo, Encoder
from ganzoo.zoo.datakind import check_data_kind
from ganzoo.zoo.mlp import activation_layers, dense_layers, widths, with_labels


class MLPEncoder(Encoder):
    """data → hidden layers → a latent vector (linear output), the MLP generator's mirror image.

    Images are flattened first. With ``num_classes > 0`` a one-hot label is appended to the input.

    hidden: widths of the hidden layers (default 512, 256); an empty list: none.
    activation: "leaky_relu" (slope 0.2) or "relu".
    data_kind: "any", "points" or "images": refuse other data when built.
    """

    summary = "MLP encoder: data -> 512 -> 256 -> latent, LeakyReLU (ALI's encoder, VEEGAN's reconstructor)"

    def __init__(
        self,
        data: DataInfo,
        latent_dim: int = 100,
        num_classes: int = 0,
        hidden: int | Sequence[int] = (512, 256),
        activation: str = "leaky_relu",
        data_kind: str = "any",
    ):
        super().__init__(data, latent_dim, num_classes)
        check_data_kind(data, data_kind, "this MLP encoder")
        hidden, make_activation = widths(hidden), activation_layers(activation)
        self.net = dense_layers(data.numel + self.num_classes, hidden, self.latent_dim, make_activation)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        return self.net(with_labels(x.flatten(1), labels, self.num_classes))
