"""Pictures of samples, drawn with Pillow: an image grid, or a scatter plot for 2-D points."""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image, ImageDraw


def image_grid(images: np.ndarray, *, columns: int | None = None, min_cell: int = 32, pad: int = 2) -> Image.Image:
    """Tile ``images`` ``(n, C, H, W)`` with values in [0, 1] into one picture.

    Small images are enlarged (nearest neighbour) so each cell is at least ``min_cell`` pixels.
    """
    n, c, h, w = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    scale = max(1, math.ceil(min_cell / max(h, w)))
    ch, cw = h * scale + pad, w * scale + pad
    mode = "L" if c == 1 else "RGB"
    canvas = Image.new(mode, (columns * cw + pad, rows * ch + pad), color=0 if mode == "L" else (0, 0, 0))
    pixels = (np.clip(images, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
    for i in range(n):
        tile = pixels[i, 0] if c == 1 else pixels[i, :3].transpose(1, 2, 0)
        cell = Image.fromarray(tile, mode).resize((w * scale, h * scale), Image.NEAREST)
        canvas.paste(cell, (pad + (i % columns) * cw, pad + (i // columns) * ch))
    return canvas


def scatter_plot(points: np.ndarray, reference: np.ndarray | None = None, *, size: int = 512) -> Image.Image:
    """Generated ``points`` (n, 2) in orange over ``reference`` points in blue, on a square canvas
    whose extent covers the reference data with a margin."""
    both = points if reference is None else np.concatenate([reference, points])
    basis = reference if reference is not None and len(reference) else both
    lo, hi = basis.min(axis=0), basis.max(axis=0)
    span = float(max(hi - lo)) or 1.0
    centre = (lo + hi) / 2
    half = span * 0.65
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)

    def to_pixels(xy: np.ndarray) -> np.ndarray:
        u = (xy - centre + half) / (2 * half) * (size - 1)
        return np.stack([u[:, 0], size - 1 - u[:, 1]], axis=1)

    axis = to_pixels(np.zeros((1, 2)))[0]
    draw.line([(0, axis[1]), (size, axis[1])], fill=(220, 220, 220))
    draw.line([(axis[0], 0), (axis[0], size)], fill=(220, 220, 220))
    for xy, colour, r in ((reference, (31, 119, 180), 1.5), (points, (255, 127, 14), 1.5)):
        if xy is None:
            continue
        for x, y in to_pixels(np.asarray(xy, dtype=np.float64)):
            if -r <= x <= size + r and -r <= y <= size + r:
                draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    return image


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def render(samples: np.ndarray, reference: np.ndarray | None = None) -> Image.Image:
    """An image grid for image samples, a scatter plot for 2-D points (samples in data space)."""
    if samples.ndim == 4:
        return image_grid(samples)
    if samples.ndim == 2 and samples.shape[1] == 2:
        return scatter_plot(samples, reference)
    raise ValueError(f"cannot draw samples of shape {samples.shape[1:]}: save them as .npy instead")
