"""Forward+backward time of BCE-with-logits: eager PyTorch, torch.compile and ganzoo's op per
built backend, side by side in one run (cases: loss_cases.py).

    pytest benchmarks/test_bench_loss.py --benchmark-only [--benchmark-json out.json]

pytest-benchmark groups the implementations of each case together; `extra_info` records the
thread count and device. Nothing here asserts a speed: the numbers are reported, not gated.
"""

from __future__ import annotations

import pytest
import torch
from loss_cases import loss_cases, make_step

CASES = loss_cases("cpu") + (loss_cases("cuda") if torch.cuda.is_available() else [])


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_loss_forward_backward(benchmark, case):
    step = make_step(case)
    step()  # warm-up: allocations, and compilation for torch.compile
    benchmark.group = case.group
    benchmark.extra_info.update(
        impl=case.impl, n=case.n, device=case.device, dtype=case.dtype,
        threads=torch.get_num_threads(), torch=torch.__version__,
        gpu=torch.cuda.get_device_name() if case.device == "cuda" else None,
    )
    benchmark(step)
