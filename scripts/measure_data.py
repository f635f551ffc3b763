"""Measure what image storage costs: memory per image and data time per training step.

    python scripts/measure_data.py [--quick] [--json OUT.json]

Memory: bytes each stored image takes (exact), and the resident memory a fresh process
gains by loading a synthetic 64x64 RGB set held as float32 (how ganzoo held images
before), as uint8, and memory-mapped from a uint8 .npy (after load and after 200 batches).
Time: seconds per ``dataset.sample(64)`` (gather + conversion to float32 in [-1, 1]) for
each storage, interleaved, beside the same batches from a torch DataLoader with 1 and 2
worker processes, and beside one dcgan training step on the same data; and decoding
folders of PNGs in one process and in two. Times depend on the
machine and its load: compare the ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

BATCH = 64
SIDES = (32, 64)


def synthetic_images(n: int, side: int) -> np.ndarray:
    """uint8 ``(n, side, side, 3)`` of random smooth colour fields (PNG compresses them as photos)."""
    rng = np.random.RandomState(0)
    coarse = rng.randint(0, 256, (n, 4, 4, 3)).astype(np.float32)
    up = np.kron(coarse, np.ones((1, side // 4, side // 4, 1), np.float32))
    noise = rng.randint(0, 24, up.shape)
    return np.clip(up + noise, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- memory, in fresh processes

_PROBE = r"""
import json, resource, sys
import numpy as np, torch
kind, path = sys.argv[1], sys.argv[2]
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20
before = rss_mb()
if kind == "float32":
    from ganzoo.data.arrays import fixed_split, images_to_model_space
    from ganzoo.data.base import TensorDataset
    x = images_to_model_space(np.load(path).transpose(0, 3, 1, 2), 255)
    train, test = fixed_split(len(x), len(x) // 10)
    d = TensorDataset(x[train], x[test], bounded=True)
    del x
    stored = 4 * d.info.numel
else:
    from ganzoo.data.files import UserData
    d = UserData(path)
    stored = d.stored_bytes_per_sample
loaded = rss_mb()
g = torch.Generator().manual_seed(0)
for _ in range(200):
    d.sample(64, g)
print(json.dumps({"after_load_mb": loaded - before, "after_200_batches_mb": rss_mb() - before,
                  "stored_bytes_per_image": stored,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def memory(n: int, work: Path) -> list[dict]:
    images = synthetic_images(n, 64)
    npy, npz = work / "rgb64.npy", work / "rgb64.npz"
    np.save(npy, images)
    np.savez(npz, x=images)
    rows = []
    for storage, kind, path in (("float32 in memory (before)", "float32", npy), ("uint8 in memory (.npz)", "file", npz),
                                ("uint8 memory-mapped (.npy)", "file", npy)):
        out = subprocess.run([sys.executable, "-c", _PROBE, kind, str(path)], check=True, capture_output=True,
                             text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        row = json.loads(out.stdout)
        rows.append({"storage": storage, "images": n, "side": 64, **row,
                     "resident_bytes_per_image_after_load": row["after_load_mb"] * 2**20 / n})
    return rows


# ---------------------------------------------------------------- data time per step

class _Batches:
    """A map-style dataset of whole batches for the DataLoader: item ``i`` is batch ``i``'s rows."""

    def __init__(self, dataset, rows):
        self.dataset, self.rows = dataset, rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.dataset.rows_in_model_space(self.rows[i])


def _loader_fetch(dataset, workers: int, batches: int):
    """A function returning the next batch from a DataLoader with ``workers`` processes (rows
    drawn up front, as the trainer's RNG would draw them)."""
    import torch

    rng = np.random.RandomState(1)
    rows = [dataset.train_rows[rng.randint(len(dataset.train_rows), size=BATCH)] for _ in range(batches)]
    loader = torch.utils.data.DataLoader(_Batches(dataset, rows), batch_size=None, num_workers=workers,
                                         prefetch_factor=2, persistent_workers=True)
    state = {"it": iter(loader)}

    def fetch():
        try:
            return next(state["it"])
        except StopIteration:
            state["it"] = iter(loader)
            return next(state["it"])
    return fetch


def data_time(work: Path, quick: bool) -> list[dict]:
    import torch

    from ganzoo.bench.timing import interleaved_cpu
    from ganzoo.data.arrays import fixed_split, images_to_model_space
    from ganzoo.data.base import TensorDataset
    from ganzoo.data.files import UserData
    from ganzoo.train import start_run

    torch.set_num_threads(1)
    rows = []
    for side in SIDES:
        images = synthetic_images(2000, side)
        npy, npz = work / f"t{side}.npy", work / f"t{side}.npz"
        np.save(npy, images)
        np.savez(npz, x=images)
        x = images_to_model_space(images.transpose(0, 3, 1, 2), 255)
        train, test = fixed_split(len(x), len(x) // 10)
        datasets = {"float32 in memory (before)": TensorDataset(x[train], x[test], bounded=True),
                    "uint8 in memory": UserData(npz), "uint8 memory-mapped": UserData(npy)}
        fns = {}
        for name, d in datasets.items():
            g = torch.Generator().manual_seed(0)
            fns[name] = (lambda d=d, g=g: d.sample(BATCH, g))
        for workers in (1, 2):
            fns[f"uint8 in memory, DataLoader {workers} worker(s)"] = _loader_fetch(datasets["uint8 in memory"],
                                                                                      workers, 64)
        with tempfile.TemporaryDirectory() as out:
            trainer = start_run("dcgan", out, {"data": str(npy), "batch_size": BATCH, "threads": 1, "steps": 10**6})
            fns["dcgan training step (batch 64, 1 thread)"] = trainer.train_step
            stats = interleaved_cpu(fns, reps=5 if quick else 15, warmup=3, min_sample_s=0.02 if quick else 0.05)
            trainer.run.release()
        base = stats["float32 in memory (before)"].median
        step = stats["dcgan training step (batch 64, 1 thread)"].median
        for name, s in stats.items():
            rows.append({"side": side, "what": name, "median_s": s.median, "p25_s": s.p25, "p75_s": s.p75,
                         "vs_float32": s.median / base, "of_dcgan_step": s.median / step})
    return rows


# ---------------------------------------------------------------- decoding a folder

def _decode_rgb(path: Path) -> np.ndarray:
    """What ganzoo.data.folders.decode does, without importing ganzoo (and torch) in a worker."""
    from PIL import Image

    with Image.open(path) as img:
        return np.asarray(img.convert("RGB")).transpose(2, 0, 1)


def decode_time(work: Path, sizes: list[int]) -> list[dict]:
    """Seconds to decode folders of ``sizes`` 64x64 PNGs in this process, and in a pool of 2
    processes started for the load (spawn: a fork of a process running torch is unsafe),
    their start included, as a user's load would pay it; the best of 3."""
    from PIL import Image

    from ganzoo.data.folders import find_images

    rows = []
    for n in sizes:
        folder = work / f"pngs{n}"
        folder.mkdir()
        for i, image in enumerate(synthetic_images(n, 64)):
            Image.fromarray(image).save(folder / f"{i:05d}.png")
        files = find_images(folder)[0]

        def pool():
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(2, mp_context=context) as workers:
                return list(workers.map(_decode_rgb, files, chunksize=max(1, min(64, n // 8))))

        ways = {"1 process": lambda: [_decode_rgb(p) for p in files], "2 processes": pool}
        times = {name: [] for name in ways}
        for _ in range(3):
            for name, way in ways.items():
                start = time.perf_counter()
                way()
                times[name].append(time.perf_counter() - start)
        for name, t in times.items():
            rows.append({"images": n, "side": 64, "what": name, "best_s": min(t),
                         "vs_one_process": min(t) / min(times["1 process"])})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer images and repetitions")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ganzoo-data-") as tmp:
        work = Path(tmp)
        result = {"created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "cpus": os.cpu_count(),
                  "load_average_start": os.getloadavg(),
                  "memory": memory(1000 if args.quick else 4000, work),
                  "data_time": data_time(work, args.quick),
                  "decode": decode_time(work, [200, 1000] if args.quick else [200, 1000, 4000]),
                  "load_average_end": os.getloadavg()}
    text = json.dumps(result, indent=1)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
