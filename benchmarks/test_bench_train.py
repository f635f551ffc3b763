"""Per-step time of ``vanilla-mlp``: ganzoo's Trainer against the same step written by hand
in plain PyTorch (``ganzoo/bench/plain_loop.py``), on digits and ring8.

    pytest benchmarks/test_bench_train.py --benchmark-only [--benchmark-json out.json]

pytest-benchmark times one contender after the other; ``ganzoo bench --suite train``
interleaves them, which is fairer on a busy machine. Each benchmark's ``extra_info`` holds
the contender's peak memory, measured in a fresh process. Nothing here asserts a speed.
"""

from __future__ import annotations

import pytest
import torch

from ganzoo.bench.memory import peak_memory
from ganzoo.bench.train import DATASETS, MODEL, make_plain, make_trainer

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
WARMUP_STEPS = 5


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("data", DATASETS)
@pytest.mark.parametrize("loop", ["ganzoo", "plain"])
def test_train_step(benchmark, tmp_path, device, data, loop):
    step = make_trainer(data, device, str(tmp_path)).train_step if loop == "ganzoo" else make_plain(data, device).step
    if device == "cuda":
        inner = step

        def step():
            inner()
            torch.cuda.synchronize()
    for _ in range(WARMUP_STEPS):
        step()
    benchmark.group = f"train/{MODEL}/{data}/{device}"
    benchmark.extra_info.update(loop=loop, data=data, device=device, threads=torch.get_num_threads(),
                                torch=torch.__version__, **peak_memory(loop, data, device, steps=20))
    benchmark(step)
