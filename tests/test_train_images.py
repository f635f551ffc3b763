"""32x32 and 64x64 RGB images train end to end with the image models, on synthetic sets the
tests make: a folder of PNGs at 32x32, a memory-mapped uint8 .npy at 64x64. Narrow networks
and two steps keep each run well under a second."""

import json
import math

import numpy as np
import pytest
import torch
from PIL import Image

from ganzoo.train import start_run

MODELS = ["dcgan", "sngan", "wgan-gp", "r1-gan"]
SMALL = {"steps": 2, "batch_size": 4, "generator.width": 4, "discriminator.width": 4, "log_every": 1,
         "threads": 1}


def synthetic_images(n: int, side: int, seed: int = 0) -> np.ndarray:
    """uint8 ``(n, side, side, 3)``: smooth colour gradients, a different one per image."""
    rng = np.random.RandomState(seed)
    ramp = np.linspace(0, 1, side)
    images = []
    for _ in range(n):
        a, b, c = rng.rand(3)
        images.append(np.stack([np.add.outer(ramp * a, ramp * b) / 2, np.full((side, side), c),
                                np.outer(ramp, ramp[::-1])], axis=-1))
    return (np.stack(images) * 255).astype(np.uint8)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    folder = root / "rgb32"
    folder.mkdir()
    for i, image in enumerate(synthetic_images(12, 32)):
        Image.fromarray(image).save(folder / f"{i:03d}.png")
    array = root / "rgb64.npy"
    np.save(array, synthetic_images(12, 64, seed=1))
    return {32: str(folder), 64: str(array)}


@pytest.mark.parametrize("side", [32, 64])
@pytest.mark.parametrize("model", MODELS)
def test_rgb_images_train_end_to_end(model, side, data, tmp_path):
    trainer = start_run(model, tmp_path / "run", {**SMALL, "data": data[side]})
    assert trainer.fit() == "done"
    rows = [json.loads(line) for line in trainer.run.metrics_path.read_text().splitlines()]
    assert [r["step"] for r in rows] == [1, 2]
    assert all(math.isfinite(r["d_loss"]) and math.isfinite(r["g_loss"]) for r in rows)
    record = json.loads((tmp_path / "run" / "config.json").read_text())
    assert record["data_info"]["shape"] == [3, side, side]
    with torch.no_grad():
        assert trainer.G(trainer.fixed_z[:2]).shape == (2, 3, side, side)
