"""Peak memory of a few training steps, each contender in a fresh process.

CPU: the process's maximum resident set (``resource.getrusage``), which includes torch
itself — compare the two contenders, not the absolute number; ``steps_memory_mb`` is how far
the steps raised it above the resident set once everything was built. GPU: the peak of torch's
CUDA allocator (``torch.cuda.max_memory_allocated``).

Run as ``python -m ganzoo.bench.memory IMPL DATA DEVICE STEPS``; prints one JSON object.
"""

from __future__ import annotations

import json
import subprocess
import sys


def peak_memory(impl: str, data: str, device: str, steps: int) -> dict:
    """{"peak_memory_mb", "before_steps_mb", "steps_memory_mb", "memory_kind"}: the peak over
    ``steps`` steps of ``impl`` ("ganzoo" or "plain")."""
    cmd = [sys.executable, "-m", "ganzoo.bench.memory", impl, data, device, str(steps)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"memory probe {' '.join(cmd[2:])} failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _resident_mb() -> float:
    """This process's resident set now (Linux), in MiB."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _measure(impl: str, data: str, device: str, steps: int) -> dict:
    import resource
    import tempfile

    import torch

    from ganzoo.bench.train import make_plain, make_trainer

    with tempfile.TemporaryDirectory(prefix="ganzoo-bench-") as out:
        if impl == "ganzoo":
            step = make_trainer(data, device, out).train_step
        else:
            step = make_plain(data, device).step
        before = _resident_mb() if device != "cuda" else torch.cuda.memory_allocated() / 2**20
        for _ in range(steps):
            step()
        if device == "cuda":
            torch.cuda.synchronize()
            peak = torch.cuda.max_memory_allocated() / 2**20
            return {"peak_memory_mb": peak, "before_steps_mb": before, "steps_memory_mb": peak - before,
                    "memory_kind": "torch.cuda.max_memory_allocated"}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return {"peak_memory_mb": peak, "before_steps_mb": before, "steps_memory_mb": peak - before,
            "memory_kind": "max RSS of a fresh process (includes torch itself)"}


if __name__ == "__main__":
    impl, data, device, steps = sys.argv[1:5]
    print(json.dumps(_measure(impl, data, device, int(steps))))
