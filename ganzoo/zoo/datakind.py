"""Which data a network is built for: 2-D points, images, or anything.

A network that only makes sense for one kind refuses the other when it is built,
with a ``ValueError`` that the trainer turns into a ``ConfigError`` naming the fix.
"""

from __future__ import annotations

from ganzoo.api import DataInfo

DATA_KINDS = ("any", "points", "images")


def check_data_kind(data: DataInfo, kind: str, who: str) -> None:
    """Raise ``ValueError`` unless ``data`` is of ``kind`` ("any", "points" or "images")."""
    if kind not in DATA_KINDS:
        raise ValueError(f"data_kind must be one of {', '.join(DATA_KINDS)}, got {kind!r}")
    if kind == "images" and not data.is_image:
        raise ValueError(
            f"{who} is built for images (C, H, W) but the data has shape {data.shape}; "
            "pick an MLP model for points (e.g. wgan-gp-mlp) or image data (e.g. --data digits)"
        )
    if kind == "points" and data.is_image:
        raise ValueError(
            f"{who} is built for 2-D points but the data are images {data.shape}; "
            "pick an image model (e.g. dcgan) or point data (e.g. --data ring8)"
        )
