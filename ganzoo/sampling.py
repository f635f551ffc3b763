"""Drawing samples from a trained run."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

from ganzoo import fileio
from ganzoo.errors import RunDirError
from ganzoo.train import checkpoint
from ganzoo.train.build import config_from_record, select_device
from ganzoo.train.rundata import build_run
from ganzoo.train.rundir import RunDir

#: samples drawn per forward pass
BATCH_SIZE = 4096


def load_run(path: str | Path, which: str | None = None, device: str = "cpu", data: str | None = None,
             *, need_samples: bool = False):
    """The generator of a run (its EMA weights if the run keeps them), in eval mode,
    with the run's dataset. Returns ``(generator, dataset, step)``.

    ``data`` replaces the run's data (where its file is now). Data that cannot be loaded is
    stood in for by what ``config.json`` recorded, unless ``need_samples`` (see
    :func:`ganzoo.train.rundata.build_run`)."""
    run = RunDir.open(path)
    record = run.read_record()
    config = config_from_record(record)
    config.device = device
    parts = build_run(config, record, select_device(device), data, need_samples=need_samples,
                      pinned=record.get("components"))  # what config.json says it used
    sidecar = checkpoint.resolve(run.checkpoints, which)
    tensors, meta = checkpoint.load(sidecar)
    prefix = "ema" if any(k.startswith("ema.") for k in tensors) else "generator"
    try:
        parts.generator.load_state_dict(checkpoint.unprefixed(prefix, tensors))
    except RuntimeError as err:
        raise RunDirError(f"checkpoint {sidecar} does not fit this run's generator "
                          f"({str(err).strip().splitlines()[0]})") from None
    return parts.generator.eval(), parts.dataset, meta["step"]


@torch.no_grad()
def sample_into(out: np.ndarray, generator, dataset, seed: int = 0, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Fill ``out`` ``(n, *shape)`` (an array, or a memory-mapped file for more than fits in
    memory) with ``n`` samples in data space, ``batch_size`` at a time. The same seed gives the
    same samples. Conditional generators cycle through the labels. Raises RunDirError if the
    generator yields NaN or infinity (its weights diverged)."""
    rng = torch.Generator().manual_seed(seed)
    device = next(generator.parameters()).device
    n = len(out)
    for start in range(0, n, batch_size):
        m = min(batch_size, n - start)
        z = generator.sample_latent(m, rng, device)
        labels = None
        if generator.num_classes:
            labels = torch.arange(start, start + m, device=device) % generator.num_classes
        chunk = dataset.to_data_space(generator(z, labels).float().cpu()).numpy()
        if not np.isfinite(chunk).all():
            raise RunDirError("the generator yields NaN or infinite samples: its weights diverged; "
                              "pass --checkpoint with an earlier step")
        out[start : start + m] = chunk
    return out


def sample(generator, dataset, n: int, seed: int = 0, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """``n`` samples in data space as a float32 array ``(n, *shape)`` (see :func:`sample_into`)."""
    return sample_into(np.empty((n, *dataset.info.shape), dtype=np.float32), generator, dataset, seed, batch_size)


def npy_bytes(n: int, dataset) -> int:
    """The size of the .npy file of ``n`` float32 samples of ``dataset`` (its header aside)."""
    return n * math.prod(dataset.info.shape) * 4


def save_npy(path: str | Path, generator, dataset, n: int, seed: int = 0) -> None:
    """Write ``n`` samples to the .npy file ``path`` a batch at a time, through a memory-mapped
    temporary file renamed into place: memory use does not grow with ``n``."""
    with fileio.atomic_path(path) as tmp:
        array = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=(n, *dataset.info.shape))
        try:
            sample_into(array, generator, dataset, seed)
            array.flush()
        finally:
            del array  # unmap before the rename
