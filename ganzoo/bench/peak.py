"""The bandwidth a loss kernel is held against, measured in the same run.

Peak is the speed of a large tensor copy (``dst.copy_(src)``) on the same device, counting
the bytes read plus the bytes written — the same way the loss suite counts its minimum
bytes. On a GPU that is a device-to-device copy timed with CUDA events. On the CPU it is
torch's own (multi-threaded) copy with the run's thread count, a practical ceiling rather
than the memory system's datasheet number; the buffers are far larger than any cache.
"""

from __future__ import annotations

from ganzoo.bench.timing import interleaved_cpu, interleaved_cuda

CPU_ELEMENTS = 2**27  # 512 MiB of float32 per buffer
CPU_ELEMENTS_QUICK = 2**25
GPU_ELEMENTS = 2**28  # 1 GiB of float32 per buffer


def copy_bandwidth(device: str, quick: bool = False) -> dict:
    """{"gbps", "bytes", "median_s", "method"} of a large float32 copy on ``device``."""
    import torch

    if device == "cuda":
        n = GPU_ELEMENTS
    else:
        n = CPU_ELEMENTS_QUICK if quick else CPU_ELEMENTS
    src = torch.rand(n, dtype=torch.float32, device=device)
    dst = torch.empty_like(src)
    copy = {"copy": lambda: dst.copy_(src)}
    reps = 5 if quick else 15
    if device == "cuda":
        stats = interleaved_cuda(copy, reps=reps)["copy"]
        how = "device-to-device copy, CUDA events"
    else:
        stats = interleaved_cpu(copy, reps=reps, warmup=1, min_sample_s=0.0)["copy"]
        how = f"torch copy_ on the CPU with {torch.get_num_threads()} threads, host clock"
    moved = 2 * n * 4
    return {
        "gbps": moved / stats.median / 1e9,
        "bytes": moved,
        "median_s": stats.median,
        "method": f"{how}; {n * 4 // 2**20} MiB float32 buffer, bytes read + written counted",
    }
