"""A small hand-made results document with round numbers: what the renderers expect, and
the fixture of their tests."""

from __future__ import annotations

from ganzoo.bench import summary
from ganzoo.bench.cases import LossCase, Variant


def loss_rows(times: dict[str, dict[int, float]], variant: Variant = Variant()) -> list[dict]:
    """Raw loss rows from {implementation: {size: median seconds}}."""
    rows = []
    for impl, by_size in times.items():
        for size, t in by_size.items():
            case = LossCase(variant, size)
            rows.append({**case.to_dict(), "impl": impl, "min_bytes": case.min_bytes(), "median_s": t,
                         "p25_s": t * 0.9, "p75_s": t * 1.1, "samples": 7, "inner": 1})
    return rows


def document(device: str = "cpu", quick: bool = False, load: float = 0.1) -> dict:
    """A complete document: all three suites, derived numbers included."""
    loss = loss_rows({
        "eager": {64: 60e-6, 2**20: 4.5e-3, 2**24: 135e-3},
        "compile": {64: 40e-6, 2**20: 2.0e-3, 2**24: 40e-3},
        "ganzoo-cpp": {64: 20e-6, 2**20: 1.0e-3, 2**24: 30e-3},
    })
    train = [
        {"model": "vanilla-mlp", "data": "digits", "impl": impl, "median_s": t, "p25_s": t, "p75_s": t,
         "samples": 5, "inner": 1, "peak_memory_mb": mem, "steps_memory_mb": 10.0, "memory_kind": "max RSS"}
        for impl, t, mem in (("ganzoo", 0.0102, 400.0), ("plain", 0.0100, 390.0))
    ]
    startup = [{"command": c, "argv": [], "median_s": t, "p25_s": t, "p75_s": t, "samples": 5, "inner": 1}
               for c, t in (("ganzoo --help", 0.12), ("ganzoo list", 0.35), ('python -c "import ganzoo"', 0.08))]
    return {
        "schema": 1, "created": "2025-01-02T03:04:05+0000", "device": device, "quick": quick,
        "load_average_start": [load, load, load], "load_average_end": [load, load, load],
        "machine": {"cpu_model": "Test CPU", "cpu_cores": 2, "usable_cores": 2, "torch_threads": 2,
                    "platform": "Linux", "python": "3.11.0", "torch": "2.0.0", "cuda": None, "gpu": None,
                    "gpu_driver": None, "ganzoo": "0.1.0", "git_commit": "abc", "device": device},
        "suites": {
            "loss": {"peak": {"gbps": 10.0, "bytes": 1, "median_s": 1.0, "method": "a copy"}, "backends": ["cpp"],
                     "rows": summary.derive_loss(loss, 10.0), "seconds": 1.0},
            "train": {"rows": summary.derive_train(train), "seconds": 1.0},
            "startup": {"rows": startup, "target_s": 0.3, "seconds": 1.0},
        },
    }
