"""Drawing samples from a trained run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ganzoo.train import checkpoint
from ganzoo.train.build import config_from_record, select_device
from ganzoo.train.rundata import build_run
from ganzoo.train.rundir import RunDir


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
    tensors, meta = checkpoint.load(checkpoint.resolve(run.checkpoints, which))
    prefix = "ema" if any(k.startswith("ema.") for k in tensors) else "generator"
    parts.generator.load_state_dict(checkpoint.unprefixed(prefix, tensors))
    return parts.generator.eval(), parts.dataset, int(meta["step"])


@torch.no_grad()
def sample(generator, dataset, n: int, seed: int = 0, batch_size: int = 4096) -> np.ndarray:
    """``n`` samples in data space as a float32 array ``(n, *shape)``; the same seed gives the
    same samples. Conditional generators cycle through the labels."""
    rng = torch.Generator().manual_seed(seed)
    device = next(generator.parameters()).device
    chunks = []
    for start in range(0, n, batch_size):
        m = min(batch_size, n - start)
        z = generator.sample_latent(m, rng, device)
        labels = None
        if generator.num_classes:
            labels = torch.arange(start, start + m, device=device) % generator.num_classes
        chunks.append(dataset.to_data_space(generator(z, labels).float().cpu()))
    if not chunks:
        return np.zeros((0, *dataset.info.shape), dtype=np.float32)
    return torch.cat(chunks).numpy().astype(np.float32)
