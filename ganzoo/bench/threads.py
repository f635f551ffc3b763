"""The threads suite: training speed by CPU thread setting, on a quiet machine and on one
that two other processes keep busy.

Each measurement is a fresh process (``python -m ganzoo.bench.threads``): the thread pool
and OpenMP's wait policy are fixed when torch loads, so they cannot be varied in one
process. A worker builds the run through ``start_run`` (the path ``ganzoo train`` takes,
with its own thread default), warms up, then counts trainer steps over a fixed wall time.
The contenders alternate within each round, so a burst of noise hits all of them.

Contenders:
- ``default``: what ``ganzoo train`` does without ``--set threads``;
- ``threads=1``, ``threads=2``: torch's pool pinned to one or two threads;
- ``threads=2 passive``: two threads with ``OMP_WAIT_POLICY=PASSIVE`` (idle OpenMP threads
  sleep instead of spinning): separates the cost of spin-waiting from that of sharing cores.

"Busy" starts two processes that spin on the CPU for the whole measurement, like a second
training or a compile job beside the user's run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

#: (label, the --set threads value or None for the default, extra environment)
CONTENDERS = (
    ("default", None, {}),
    ("threads=1", 1, {}),
    ("threads=2", 2, {}),
    ("threads=2 passive", 2, {"OMP_WAIT_POLICY": "PASSIVE"}),
)
#: (label, model, overrides): the default run, a small 2-D model and a convolutional one,
#: so the size of the network's work per step is one of the causes measured
WORKLOADS = (
    ("vanilla-mlp on digits", "vanilla-mlp", {"data": "digits"}),
    ("r1-gan-mlp-ema on ring8", "r1-gan-mlp-ema", {"data": "ring8"}),
    ("dcgan on digits", "dcgan", {"data": "digits"}),
)
LOADS = ("quiet", "busy")
BUSY_PROCESSES = 2


def _spinner() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def measure(model: str, overrides: dict, threads: int | None, env: dict, seconds: float) -> dict:
    """Steps per second of one fresh worker process."""
    spec = {"model": model, "overrides": overrides, "threads": threads, "seconds": seconds}
    cmd = [sys.executable, "-m", "ganzoo.bench.threads", json.dumps(spec)]
    full_env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")}
    full_env.update(env)
    done = subprocess.run(cmd, capture_output=True, text=True, env=full_env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"threads worker {spec} failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(device: str = "cpu", quick: bool = False, progress=None) -> dict:
    """{"rows": [...]}: one row per workload, load and contender, with the median steps/s over
    the rounds and its ratio to the best contender under the same load."""
    if device != "cpu":
        return {"rows": [], "skipped": "the threads suite measures CPU thread settings"}
    rounds, seconds = (1, 0.5) if quick else (3, 3.0)
    workloads = WORKLOADS[:1] if quick else WORKLOADS
    samples: dict[tuple[str, str, str], list[float]] = {}
    chosen: dict[tuple[str, str], int] = {}
    total, done = len(workloads) * len(LOADS) * rounds * len(CONTENDERS), 0
    for workload, model, overrides in workloads:
        for load in LOADS:
            spinners = [_spinner() for _ in range(BUSY_PROCESSES)] if load == "busy" else []
            try:
                time.sleep(0.5 if spinners else 0)  # let the spinners reach full speed
                for r in range(rounds):
                    order = CONTENDERS[r % len(CONTENDERS):] + CONTENDERS[:r % len(CONTENDERS)]
                    for label, threads, env in order:
                        if progress:
                            progress(done, total, f"{workload}, {load}: {label}")
                        result = measure(model, overrides, threads, env, seconds)
                        samples.setdefault((workload, load, label), []).append(result["steps_per_s"])
                        if threads is None:
                            chosen[workload, load] = result["threads"]
                        done += 1
            finally:
                for p in spinners:
                    p.kill()
                    p.wait()
    rows = []
    for workload, _, _ in workloads:
        for load in LOADS:
            medians = {label: statistics.median(samples[workload, load, label]) for label, _, _ in CONTENDERS}
            best = max(medians.values())
            for label, _, _ in CONTENDERS:
                row = {"workload": workload, "load": load, "contender": label,
                       "steps_per_s": round(medians[label], 1), "of_best": round(medians[label] / best, 3),
                       "samples": [round(s, 1) for s in samples[workload, load, label]]}
                if label == "default":
                    row["threads_chosen"] = chosen[workload, load]
                rows.append(row)
    return {"rows": rows, "busy_processes": BUSY_PROCESSES, "seconds_per_sample": seconds, "rounds": rounds}


def _worker(spec: dict) -> dict:
    import tempfile

    import torch

    from ganzoo.train import start_run

    overrides = {**spec["overrides"], "device": "cpu", "seed": 0, "steps": 10**9}
    if spec["threads"] is not None:
        overrides["threads"] = spec["threads"]
    with tempfile.TemporaryDirectory(prefix="ganzoo-bench-") as out:
        trainer = start_run(spec["model"], out, overrides)
        warm_until = time.perf_counter() + min(1.0, spec["seconds"] / 2)
        for k in range(20):  # warm-up: 20 steps, or as many as fit in the time (a slow case)
            trainer.train_step()
            if k >= 1 and time.perf_counter() > warm_until:
                break
        steps, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < spec["seconds"]:
            trainer.train_step()
            steps += 1
    return {"steps_per_s": steps / elapsed, "threads": torch.get_num_threads()}


if __name__ == "__main__":
    print(json.dumps(_worker(json.loads(sys.argv[1]))))
