"""Drawing samples from a trained run.

A conditional run's samples cycle through its classes (or the ``labels`` asked for), in the
order given: sample ``i`` has label ``labels[i % len(labels)]``. :func:`save_npz` writes them
with those labels as a dataset that ``ganzoo train --data`` and the classifier read back.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch

from ganzoo import fileio
from ganzoo.api import Translator
from ganzoo.errors import ConfigError, RunDirError
from ganzoo.train import checkpoint
from ganzoo.train.build import Components, config_from_record, select_device
from ganzoo.train.rundata import build_run
from ganzoo.train.rundir import RunDir

#: samples drawn per forward pass
BATCH_SIZE = 4096
_LABEL_ITEM = re.compile(r"^(\d+)(?:-(\d+))?$")


def open_run(path: str | Path, which: str | None = None, device: str = "cpu", data: str | None = None,
             *, need_samples: bool = False) -> tuple[Components, dict[str, torch.Tensor], int, Path]:
    """``(components, tensors, step, sidecar)``: the run in ``path`` built again, and the tensors,
    step and sidecar path of its checkpoint ``which`` (None: the latest), for the caller to load
    the networks it needs (:func:`load_network`). ``data`` and ``need_samples``: as :func:`load_run`."""
    run = RunDir.open(path)
    record = run.read_record()
    config = config_from_record(record)
    config.device = device
    parts = build_run(config, record, select_device(device), data, need_samples=need_samples,
                      pinned=record.get("components"))  # what config.json says it used
    sidecar = checkpoint.resolve(run.checkpoints, which)
    tensors, meta = checkpoint.load(sidecar)
    return parts, tensors, meta["step"], sidecar


def load_network(network: torch.nn.Module, tensors: dict[str, torch.Tensor], prefix: str, sidecar: Path,
                 role: str) -> None:
    """Load a checkpoint's ``prefix.*`` tensors into ``network`` (the run's ``role``); a
    checkpoint that does not fit is a RunDirError."""
    try:
        network.load_state_dict(checkpoint.unprefixed(prefix, tensors))
    except RuntimeError as err:
        raise RunDirError(f"checkpoint {sidecar} does not fit this run's {role} "
                          f"({str(err).strip().splitlines()[0]})") from None


def load_run(path: str | Path, which: str | None = None, device: str = "cpu", data: str | None = None,
             *, need_samples: bool = False):
    """The generator of a run (its EMA weights if the run keeps them), in eval mode,
    with the run's dataset. Returns ``(generator, dataset, step)``.

    ``data`` replaces the run's data (where its file is now). Data that cannot be loaded is
    stood in for by what ``config.json`` recorded, unless ``need_samples`` (see
    :func:`ganzoo.train.rundata.build_run`)."""
    return generator_of(path, *open_run(path, which, device, data, need_samples=need_samples))


def generator_of(path: str | Path, parts: Components, tensors: dict[str, torch.Tensor], step: int, sidecar: Path):
    """:func:`load_run`'s ``(generator, dataset, step)`` from what :func:`open_run` returned for ``path``."""
    if isinstance(parts.generator, Translator):
        raise ConfigError(f"{path} is a {parts.spec.name} run: its generator translates images instead of drawing "
                          f"samples from noise; use `ganzoo translate {path} INPUT --out OUTPUT`")
    prefix = "ema" if any(k.startswith("ema.") for k in tensors) else "generator"
    load_network(parts.generator, tensors, prefix, sidecar, "generator")
    return parts.generator.eval(), parts.dataset, step


def parse_labels(text: str, num_classes: int) -> list[int]:
    """The labels ``--labels`` names, for a generator of ``num_classes`` classes (0: unconditional):
    comma-separated labels and ranges, e.g. ``"0-9"``, ``"1,3,5"``, ``"0-4,7"``, in the order
    given. ConfigError, saying what to write, for an unconditional generator, a malformed item,
    a range that runs downwards, a label outside ``0..num_classes-1`` or one given twice."""
    if not num_classes:
        raise ConfigError("--labels picks the classes of a conditional run, and this run is unconditional "
                          "(trained without conditional=true): drop --labels")
    labels: list[int] = []
    for item in (part.strip() for part in text.split(",")):
        match = _LABEL_ITEM.match(item)
        if not match:
            raise ConfigError(f"--labels {text!r}: {item!r} is neither a label nor a range; give labels and "
                              "ranges of whole numbers such as 0-9, 1,3,5 or 0-4,7")
        low, high = int(match[1]), int(match[2] if match[2] is not None else match[1])
        if high < low:
            raise ConfigError(f"--labels {text!r}: the range {item} runs downwards; write it {high}-{low}")
        if high >= num_classes:
            raise ConfigError(f"--labels {text!r}: {high} is not among this run's classes 0-{num_classes - 1}")
        twice = [label for label in range(low, high + 1) if label in labels]
        if twice:
            raise ConfigError(f"--labels {text!r} gives {twice[0]} twice; give each label once")
        labels += range(low, high + 1)
    return labels


def check_labels(labels: Sequence[int], num_classes: int) -> None:
    """Refuse ``labels`` for a generator of ``num_classes`` classes: none given, an unconditional
    generator, a label outside its classes or one given twice (ConfigError)."""
    if not num_classes:
        raise ConfigError("labels pick the classes of a conditional run, and this run is unconditional "
                          "(trained without conditional=true): give no labels")
    if not len(labels):
        raise ConfigError("no labels given; give at least one of the run's classes")
    outside = sorted({int(label) for label in labels if not 0 <= int(label) < num_classes})
    if outside:
        raise ConfigError(f"not among this run's classes 0-{num_classes - 1}: label(s) "
                          f"{', '.join(map(str, outside))}")
    twice = sorted({int(label) for label in labels if list(labels).count(label) > 1})
    if twice:
        raise ConfigError(f"label(s) {', '.join(map(str, twice))} given twice; give each label once")


def sample_labels(n: int, labels: Sequence[int], start: int = 0) -> np.ndarray:
    """The labels of samples ``start`` to ``start + n - 1`` cycling through ``labels``: ``(n,)`` int64."""
    return np.asarray(labels, dtype=np.int64)[np.arange(start, start + n) % len(labels)]


@torch.no_grad()
def _batches(generator, dataset, n: int, seed: int, batch_size: int,
             labels: Sequence[int] | None) -> Iterator[tuple[int, np.ndarray, np.ndarray | None]]:
    """``(start, samples in data space, their labels or None)`` for ``n`` samples, a batch at a time."""
    rng = torch.Generator().manual_seed(seed)
    device = next(generator.parameters()).device
    if labels is not None:
        check_labels(labels, generator.num_classes)
    elif generator.num_classes:
        labels = range(generator.num_classes)
    for start in range(0, n, batch_size):
        m = min(batch_size, n - start)
        z = generator.sample_latent(m, rng, device)
        y = None if labels is None else sample_labels(m, labels, start)
        chunk = dataset.to_data_space(generator(z, None if y is None else torch.as_tensor(y, device=device))
                                      .float().cpu()).numpy()
        if not np.isfinite(chunk).all():
            raise RunDirError("the generator yields NaN or infinite samples: its weights diverged; "
                              "pass --checkpoint with an earlier step")
        yield start, chunk, y


def sample_into(out: np.ndarray, generator, dataset, seed: int = 0, batch_size: int = BATCH_SIZE,
                labels: Sequence[int] | None = None) -> np.ndarray:
    """Fill ``out`` ``(n, *shape)`` (an array, or a memory-mapped file for more than fits in
    memory) with ``n`` samples in data space, ``batch_size`` at a time. The same seed gives the
    same samples. Conditional generators cycle through ``labels`` (default: all their classes;
    see :func:`sample_labels`). Raises RunDirError if the generator yields NaN or infinity (its
    weights diverged), ConfigError for ``labels`` it has no classes for."""
    for start, chunk, _ in _batches(generator, dataset, len(out), seed, batch_size, labels):
        out[start : start + len(chunk)] = chunk
    return out


def sample(generator, dataset, n: int, seed: int = 0, batch_size: int = BATCH_SIZE,
           labels: Sequence[int] | None = None) -> np.ndarray:
    """``n`` samples in data space as a float32 array ``(n, *shape)`` (see :func:`sample_into`)."""
    out = np.empty((n, *dataset.info.shape), dtype=np.float32)
    return sample_into(out, generator, dataset, seed, batch_size, labels)


def npy_bytes(n: int, dataset) -> int:
    """The size of the .npy file of ``n`` float32 samples of ``dataset`` (its header aside)."""
    return n * math.prod(dataset.info.shape) * 4


def save_npy(path: str | Path, generator, dataset, n: int, seed: int = 0,
             labels: Sequence[int] | None = None) -> None:
    """Write ``n`` samples to the .npy file ``path`` a batch at a time, through a memory-mapped
    temporary file renamed into place: memory use does not grow with ``n``."""
    with fileio.atomic_path(path) as tmp:
        array = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=(n, *dataset.info.shape))
        try:
            sample_into(array, generator, dataset, seed, labels=labels)
            array.flush()
        finally:
            del array  # unmap before the rename


def save_npz(path: str | Path, generator, dataset, n: int, seed: int = 0,
             labels: Sequence[int] | None = None) -> None:
    """Write ``n`` samples as a dataset, the ``.npz`` file ``path``: ``x`` float32 ``(n, *shape)``
    in data space (images in [0, 1], channels first) and, for a conditional generator, ``y``
    int64 ``(n,)``, their labels (cycling through ``labels``, default all classes). The file
    is what ``ganzoo train --data`` reads (see :mod:`ganzoo.data.files`); the same samples as
    :func:`save_npy` with the same seed. Written a batch at a time into an uncompressed zip
    renamed into place: memory use does not grow with ``n``."""
    shape = (n, *dataset.info.shape)
    with fileio.atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as npz:
        ys = []
        with npz.open("x.npy", "w", force_zip64=True) as x:
            np.lib.format.write_array_header_1_0(x, {"descr": "<f4", "fortran_order": False, "shape": shape})
            for _, chunk, y in _batches(generator, dataset, n, seed, BATCH_SIZE, labels):
                x.write(np.ascontiguousarray(chunk, dtype="<f4").tobytes())
                if y is not None:
                    ys.append(y)
        if ys:  # 8 bytes a sample: held until the samples are written
            with npz.open("y.npy", "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.concatenate(ys).astype("<i8"), allow_pickle=False)
