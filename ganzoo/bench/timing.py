"""Timing: interleaved repetitions of several functions, summarised by their median.

Interleaving (rep 1: A B C, rep 2: B C A, ...) lets a burst of noise on a shared machine
hit every contender alike instead of whichever happened to run then. On the CPU a sample
is a host-clock reading around ``inner`` calls, enough of them to last ``min_sample_s``.
On a GPU a sample is one call between two CUDA events recorded on the current stream,
after an optional L2 flush outside the events; the host reads the events once at the end.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Stats:
    """Seconds per call."""

    median: float
    p25: float
    p75: float
    samples: int
    inner: int  # calls per sample

    def to_dict(self) -> dict:
        return {"median_s": self.median, "p25_s": self.p25, "p75_s": self.p75,
                "samples": self.samples, "inner": self.inner}


def summarize(per_call: list[float], inner: int = 1) -> Stats:
    """Median and quartiles of per-call times."""
    if not per_call:
        raise ValueError("no samples to summarize")
    ordered = sorted(per_call)
    if len(ordered) == 1:
        q1 = q3 = ordered[0]
    else:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return Stats(statistics.median(ordered), q1, q3, len(ordered), inner)


def rotations(names: list[str], reps: int) -> list[list[str]]:
    """The order of each repetition: a rotation of ``names`` that moves by one each time."""
    k = len(names)
    return [names[r % k:] + names[:r % k] for r in range(reps)] if k else []


def calls_per_sample(fn: Callable[[], object], min_sample_s: float, cap: int = 10_000) -> int:
    """How many calls of ``fn`` make one sample last at least ``min_sample_s`` (one timed call)."""
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    return max(1, min(cap, math.ceil(min_sample_s / max(once, 1e-9))))


def interleaved_cpu(fns: dict[str, Callable[[], object]], *, reps: int, warmup: int = 2,
                    min_sample_s: float = 2e-3) -> dict[str, Stats]:
    """Time each function ``reps`` times, interleaved, with the host clock."""
    inner = {}
    for name, fn in fns.items():
        for _ in range(warmup):
            fn()
        inner[name] = calls_per_sample(fn, min_sample_s)
    per_call: dict[str, list[float]] = {name: [] for name in fns}
    for order in rotations(list(fns), reps):
        for name in order:
            fn, n = fns[name], inner[name]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            per_call[name].append((time.perf_counter() - start) / n)
    return {name: summarize(per_call[name], inner[name]) for name in fns}


def interleaved_cuda(fns: dict[str, Callable[[], object]], *, reps: int, warmup: int = 3,
                     flush: Callable[[], object] | None = None) -> dict[str, Stats]:
    """Time each function ``reps`` times, interleaved, with CUDA events; ``flush`` (e.g. a write
    over a buffer larger than L2) runs before every timed call, outside the events."""
    import torch

    for fn in fns.values():
        for _ in range(warmup):
            fn()
    torch.cuda.synchronize()
    events: dict[str, list] = {name: [] for name in fns}
    for order in rotations(list(fns), reps):
        for name in order:
            if flush is not None:
                flush()
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fns[name]()
            end.record()
            events[name].append((start, end))
    torch.cuda.synchronize()
    return {name: summarize([s.elapsed_time(e) / 1e3 for s, e in pairs]) for name, pairs in events.items()}


def l2_flusher(device) -> Callable[[], object]:
    """A function that overwrites a buffer twice the size of the GPU's L2 cache."""
    import torch

    props = torch.cuda.get_device_properties(device)
    l2 = getattr(props, "L2_cache_size", 0) or 64 * 2**20
    buffer = torch.empty(2 * l2 // 4, dtype=torch.float32, device=device)
    return lambda: buffer.fill_(1.0)
