"""Translating images with a trained image-to-image run (pix2pix, CycleGAN): ``ganzoo translate``.

Images go in and come out in data space: PNG/JPEG files (grey or RGB, as the run's source
domain is), or ``.npy`` / ``.npz`` arrays ``(n, C, H, W)`` with values in [0, 1] (an ``.npz``
holds them under ``x``, as ``--data`` reads it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ganzoo.api import DataInfo, Translator
from ganzoo.errors import ConfigError
from ganzoo.zoo.translation_games import DIRECTIONS

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
ARRAY_SUFFIXES = (".npy", ".npz")
#: images translated per forward pass
BATCH_SIZE = 256


@dataclass
class LoadedTranslator:
    """A run's translator for one direction, in eval mode: ``network`` maps ``source`` images to
    ``target`` images (both model space, [-1, 1]); ``step`` is its checkpoint's; ``game`` and
    ``dataset`` the run's."""

    network: nn.Module
    source: DataInfo
    target: DataInfo
    direction: str
    step: int
    game: Any = None
    dataset: Any = None

    @torch.no_grad()
    def __call__(self, images: np.ndarray) -> np.ndarray:
        """Images ``(n, C, H, W)`` in data space [0, 1] to their translations, also in [0, 1]."""
        device = next(self.network.parameters()).device
        out = []
        for start in range(0, len(images), BATCH_SIZE):
            x = torch.from_numpy(np.array(images[start: start + BATCH_SIZE], dtype=np.float32))
            try:
                y = self.network(x.to(device) * 2 - 1)
            except RuntimeError as err:  # a size the network cannot take
                first = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
                raise ConfigError(f"this translator cannot take images of {tuple(x.shape[1:])} ({first}); it was "
                                  f"trained on {self.source.shape}: resize the images to that") from None
            out.append(((y.float().clamp(-1, 1) + 1) / 2).cpu().numpy())
        return np.concatenate(out) if out else np.empty((0, *self.target.shape), np.float32)


def load_translator(run_dir: str | Path, direction: str | None = None, which: str | None = None,
                    device: str = "cpu", data: str | None = None, *, need_samples: bool = False) -> LoadedTranslator:
    """The translator of the run in ``run_dir`` for ``direction`` ("AtoB" or "BtoA"; default: the
    one the run trains, A to B unless a pix2pix run was trained ``game.direction=BtoA``). A run
    with a translator for the other direction too (CycleGAN's ``generator_ba``) gives either.
    ``data`` and ``need_samples``: as :func:`ganzoo.sampling.load_run`."""
    from ganzoo.sampling import open_run

    return translator_of(run_dir, *open_run(run_dir, which, device, data, need_samples=need_samples), direction)


def translator_of(run_dir: str | Path, parts, tensors: dict, step: int, sidecar: Path,
                  direction: str | None = None) -> LoadedTranslator:
    """:func:`load_translator`'s translator from what :func:`ganzoo.sampling.open_run` returned for ``run_dir``."""
    from ganzoo.sampling import load_network

    if not isinstance(parts.generator, Translator):
        raise ConfigError(f"{run_dir} is a run of {parts.spec.name}, whose generator draws samples from noise; "
                          f"translate with an image-to-image run (e.g. ganzoo train pix2pix), or use "
                          f"`ganzoo sample {run_dir}`")
    trained = getattr(parts.game, "direction", "AtoB")
    direction = direction or trained
    if direction not in DIRECTIONS:
        raise ConfigError(f"--direction {direction!r}: use AtoB or BtoA")
    info = parts.dataset.info
    if direction == trained:
        role = "generator"
    else:
        role = next((r for r, net in parts.networks.items() if r != "generator" and isinstance(net, Translator)), None)
        if role is None:
            raise ConfigError(f"this {parts.spec.name} run translates {trained[0]} to {trained[-1]} only; "
                              f"--direction {direction} needs a run with both translators (e.g. cyclegan)")
    network = parts.networks[role]
    ema = role == "generator" and any(k.startswith("ema.") for k in tensors)  # the moving average, where kept
    load_network(network, tensors, "ema" if ema else role, sidecar, role)
    source, target = parts.game.network_domains(role, info)
    return LoadedTranslator(network.eval(), source, target, direction, step, parts.game, parts.dataset)


def read_images(path: Path, channels: int) -> tuple[np.ndarray, list[str]]:
    """The images in ``path`` (an image file, an array file or a folder of images), in data space
    ``(n, C, H, W)``, and a name for each (the files' stems; ``0``, ``1``, … for arrays)."""
    from ganzoo.data.files import load_array_file
    from ganzoo.data.folders import decode

    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith("."))
        if not files:
            raise ConfigError(f"{path} holds no PNG/JPEG images to translate")
    elif path.suffix.lower() in IMAGE_SUFFIXES:
        files = [path]
    elif path.suffix.lower() in ARRAY_SUFFIXES:
        x, _ = load_array_file(path)
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 4 or x.shape[1] != channels:
            raise ConfigError(f"{path} holds an array shaped {x.shape}; give images (n, {channels}, H, W) in [0, 1]")
        if not np.isfinite(x).all() or x.min() < 0 or x.max() > 1:
            raise ConfigError(f"{path} holds values outside [0, 1]; give images in data space, scaled to [0, 1]")
        return x, [str(i) for i in range(len(x))]
    else:
        raise ConfigError(f"cannot translate {path}: give a PNG/JPEG image, a folder of them, or a .npy/.npz array")
    mode = "L" if channels == 1 else "RGB"
    images = [decode(f, mode).astype(np.float32) / 255 for f in files]
    sizes = {im.shape for im in images}
    if len(sizes) > 1:
        raise ConfigError(f"the images in {path} have different sizes {sorted(s[1:] for s in sizes)}; give one size")
    return np.stack(images), [f.stem for f in files]


def png_bytes(image: np.ndarray) -> bytes:
    """One image ``(C, H, W)`` in [0, 1] as PNG bytes (grey for one channel)."""
    from PIL import Image

    from ganzoo import viz

    pixels = np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)
    picture = Image.fromarray(pixels[0] if pixels.shape[0] == 1 else pixels.transpose(1, 2, 0))
    return viz.png_bytes(picture)


def write_translations(out: Path, images: np.ndarray, names: list[str]) -> None:
    """``images`` in data space to ``out``: a ``.npy``/``.npz`` array file, one ``.png`` (a single
    image), or a folder (one ``NAME.png`` per image). Each file is written whole or not at all."""
    from ganzoo import fileio

    suffix = out.suffix.lower()
    if suffix == ".npy":
        fileio.write_bytes(out, _npy_bytes(images))
    elif suffix == ".npz":
        with fileio.atomic_path(out) as tmp:
            with open(tmp, "wb") as f:
                np.savez(f, x=images)
    elif suffix == ".png":
        fileio.write_bytes(out, png_bytes(images[0]))
    else:
        out.mkdir(exist_ok=True)
        for image, name in zip(images, names):
            fileio.write_bytes(out / f"{name}.png", png_bytes(image))


def _npy_bytes(array: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()
