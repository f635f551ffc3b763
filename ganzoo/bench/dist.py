"""The dist suite: data-parallel training throughput on the CPU, one process against two gloo
processes with one thread each, in images per second.

Each measurement is a fresh job: ``python -m ganzoo.bench.dist`` for one process, the same
under ``torchrun --standalone --nproc_per_node=2`` for two. A worker builds the run through
``start_run`` (the path ``ganzoo train`` takes) with ``threads=1``, takes warm-up steps, then
times a fixed number of steps between barriers (the processes step in lockstep); rank 0
reports ``steps × batch_size × processes / seconds``, and the milliseconds a step spends in the
job's collectives (the gradients' all-reduce and the stop agreement, waiting included). The contenders alternate within each
round, so a burst of noise hits both. ``batch_size`` is per process, so two processes train
on twice the samples a step: the speed-up over one process is what data parallelism buys
once the gradients' all-reduce is paid.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

#: (label, processes)
CONTENDERS = (("1 process", 1), ("2 processes", 2))
WORKLOAD = ("dcgan on digits", "dcgan", {"data": "digits"})
THREADS = 1


def _command(processes: int, spec: dict) -> list[str]:
    worker = ["-m", "ganzoo.bench.dist", json.dumps(spec)]
    if processes == 1:
        return [sys.executable, *worker]
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}", *worker]


def measure(model: str, overrides: dict, processes: int, warmup: int, steps: int) -> dict:
    """Images per second of one fresh job of ``processes`` processes."""
    with tempfile.TemporaryDirectory(prefix="ganzoo-bench-") as tmp:
        spec = {"model": model, "overrides": overrides, "out": os.path.join(tmp, "run"), "warmup": warmup,
                "steps": steps}
        env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")}
        done = subprocess.run(_command(processes, spec), capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"dist worker ({processes} processes) failed:\n{done.stderr.strip()[-2000:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1])


def run(device: str = "cpu", quick: bool = False, progress=None) -> dict:
    """{"rows": [...]}: one row per contender, with the median images per second over the
    rounds and its ratio to one process."""
    if device != "cpu":
        return {"rows": [], "skipped": "the dist suite measures gloo processes on the CPU"}
    rounds, warmup, steps = (1, 3, 10) if quick else (3, 20, 150)
    workload, model, overrides = WORKLOAD
    samples: dict[str, list[float]] = {}
    timings: dict[str, list[tuple[float, float]]] = {}  # (ms a step, ms of it in collectives)
    total, done = rounds * len(CONTENDERS), 0
    for r in range(rounds):
        order = CONTENDERS[r % 2:] + CONTENDERS[:r % 2]
        for label, processes in order:
            if progress:
                progress(done, total, f"{workload}: {label}")
            result = measure(model, overrides, processes, warmup, steps)
            samples.setdefault(label, []).append(result["images_per_s"])
            timings.setdefault(label, []).append((result["step_ms"], result["collective_ms"]))
            done += 1
    one = statistics.median(samples[CONTENDERS[0][0]])
    rows = []
    for label, processes in CONTENDERS:
        median = statistics.median(samples[label])
        rows.append({"workload": workload, "contender": label, "processes": processes,
                     "threads_per_process": THREADS, "images_per_s": round(median, 1),
                     "vs_one": round(median / one, 3), "samples": [round(s, 1) for s in samples[label]],
                     "step_ms": round(statistics.median(t[0] for t in timings[label]), 3),
                     "collective_ms": round(statistics.median(t[1] for t in timings[label]), 3)})
    return {"rows": rows, "rounds": rounds, "steps": steps, "warmup": warmup}


def _worker(spec: dict) -> dict | None:
    import torch.distributed as dist

    from ganzoo.train import start_run

    overrides = {**spec["overrides"], "device": "cpu", "seed": 0, "steps": 10**9, "threads": THREADS}
    trainer = start_run(spec["model"], spec["out"], overrides, progress=False)
    together = trainer.dist.active
    for _ in range(spec["warmup"]):
        trainer.train_step()
        trainer.dist.stop_signal(None)
    if together:
        dist.barrier()
    start, in_collectives = time.perf_counter(), trainer.dist.collective_seconds
    for _ in range(spec["steps"]):  # a step as fit() takes it: the game's, then the processes' stop agreement
        trainer.train_step()
        trainer.dist.stop_signal(None)
    if together:
        dist.barrier()
    elapsed = time.perf_counter() - start
    in_collectives = trainer.dist.collective_seconds - in_collectives
    trainer.run.release()
    trainer.dist.leave()
    if not trainer.dist.writes:
        return None
    images = spec["steps"] * trainer.config.batch_size * trainer.dist.world_size
    return {"images_per_s": images / elapsed, "processes": trainer.dist.world_size,
            "step_ms": 1000 * elapsed / spec["steps"], "collective_ms": 1000 * in_collectives / spec["steps"]}


if __name__ == "__main__":
    result = _worker(json.loads(sys.argv[1]))
    if result is not None:
        print(json.dumps(result), flush=True)
