"""The train suite: ``vanilla-mlp``'s step through ganzoo's trainer against the same step
written by hand (``plain_loop.py``), on the embedded digits and on ring8.

Step times are measured in one process, interleaved (blocks of trainer steps alternate
with blocks of plain steps), after warm-up steps for both. Peak memory is measured in a
fresh process per contender (``memory.py``), since a process's maximum RSS only grows.
"""

from __future__ import annotations

import tempfile

from ganzoo.bench.timing import interleaved_cpu

MODEL = "vanilla-mlp"
DATASETS = ("digits", "ring8")


def overrides(data: str, device: str) -> dict:
    return {"data": data, "device": device, "seed": 0}


def make_trainer(data: str, device: str, out: str):
    """ganzoo's Trainer for ``MODEL`` on ``data``, its run directory in ``out``."""
    from ganzoo.train import start_run

    return start_run(MODEL, out, overrides(data, device))


def make_plain(data: str, device: str):
    """The hand-written loop over the same networks, built from the same configuration."""
    from ganzoo.bench.plain_loop import PlainLoop
    from ganzoo.train.build import build, resolve_config, select_device

    config = resolve_config(MODEL, overrides(data, device))
    torch_device = select_device(device)
    return PlainLoop(build(config, torch_device), config, torch_device)


def _synced(step, device: str):
    if device != "cuda":
        return step
    import torch

    def step_and_wait():
        step()
        torch.cuda.synchronize()
    return step_and_wait


def time_steps(data: str, device: str, quick: bool) -> dict:
    """{"ganzoo": Stats, "plain": Stats}: seconds per step, interleaved."""
    with tempfile.TemporaryDirectory(prefix="ganzoo-bench-") as out:
        trainer, plain = make_trainer(data, device, out), make_plain(data, device)
        fns = {"ganzoo": _synced(trainer.train_step, device), "plain": _synced(plain.step, device)}
        return interleaved_cpu(fns, reps=5 if quick else 31, warmup=2 if quick else 10,
                               min_sample_s=0.02 if quick else 0.1)


def run(device: str = "cpu", quick: bool = False, progress=None) -> dict:
    """{"rows": [...]}: one row per dataset and contender, with step time and peak memory."""
    from ganzoo.bench.memory import peak_memory

    rows, total = [], 2 * len(DATASETS)
    for i, data in enumerate(DATASETS):
        if progress:
            progress(2 * i, total, f"{MODEL} on {data}: step time, interleaved")
        stats = time_steps(data, device, quick)
        if progress:
            progress(2 * i + 1, total, f"{MODEL} on {data}: peak memory, fresh processes")
        for impl in ("ganzoo", "plain"):
            # a quick run probes memory on the first dataset only: each probe starts a process
            memory = {} if quick and i else peak_memory(impl, data, device, steps=3 if quick else 20)
            rows.append({"model": MODEL, "data": data, "impl": impl, **stats[impl].to_dict(), **memory})
    return {"rows": rows}
