"""Runs two-process gloo jobs of ``ganzoo train`` for tests/test_train_distributed.py. Not a
test module.

    python tests/dist_driver.py < jobs.jsonl

Each line on stdin is a job: {"args": [...], "out": DIR, "fault": null | [RANK, STEP, "kill" | "hang"]}.
The driver forks one child per rank, each with the environment torchrun gives its processes
(RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), and each child runs
``ganzoo train ARGS --out DIR``. A child records what the tests check, in DIR.rank-K.json:
every all_reduce it made (the phase whose gradients it averaged, or null, and its elements),
the files it wrote inside DIR, the first real batch it drew, its networks' sizes, its exit
code; and its networks' final state in DIR.rank-K.safetensors. A fault makes rank RANK
SIGKILL itself, or sleep for good, as step STEP begins. The driver waits for rank 0; a rank
still running a few seconds later is killed and reported as hung. For each job, one JSON line
on stdout: {"out", "codes": [exit code by rank], "hung": [ranks]}.

The driver imports torch and ganzoo once and runs no torch op, so the forked children start
at once and safely (as tests/crash_driver.py does).
"""

from __future__ import annotations

import builtins
import json
import os
import signal
import socket
import sys
import time

import torch._dynamo  # noqa: F401 - what the first optimizer imports (seconds): once, here
import torch.distributed as dist
from safetensors.torch import save_file

import ganzoo.cli
import ganzoo.cli.group  # noqa: F401 - click and the commands, once, here
from ganzoo.train import loop
from ganzoo.train.distributed import Distributed
from ganzoo.train.step import StepContext

WORLD = 2
GRACE = 3.0  # seconds the other ranks get to end after rank 0 has


def _record_writes(out: str, writes: list) -> None:
    """Note every file this process creates, replaces or opens for writing inside ``out``."""
    root = os.path.abspath(out)

    def inside(path) -> bool:
        if not isinstance(path, (str, bytes, os.PathLike)):
            return False
        full = os.path.abspath(os.fsdecode(path))
        return full == root or full.startswith(root + os.sep)

    real_open, real_os_open, real_replace, real_mkdir = builtins.open, os.open, os.replace, os.mkdir

    def open_(file, mode="r", *args, **kwargs):
        if inside(file) and any(c in mode for c in "wax+"):
            writes.append(os.fsdecode(file))
        return real_open(file, mode, *args, **kwargs)

    def os_open(path, flags, *args, **kwargs):
        if inside(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            writes.append(os.fsdecode(path))
        return real_os_open(path, flags, *args, **kwargs)

    def replace(src, dst, *args, **kwargs):
        if inside(dst):
            writes.append(os.fsdecode(dst))
        return real_replace(src, dst, *args, **kwargs)

    def mkdir(path, *args, **kwargs):
        if inside(path):
            writes.append(os.fsdecode(path))
        return real_mkdir(path, *args, **kwargs)

    builtins.open, os.open, os.replace, os.mkdir = open_, os_open, replace, mkdir


def _child(rank: int, port: int, job: dict) -> None:
    out, fault = job["out"], job.get("fault")
    os.environ.update({"RANK": str(rank), "WORLD_SIZE": str(WORLD), "LOCAL_RANK": str(rank),
                       "LOCAL_WORLD_SIZE": str(WORLD), "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)})
    log = os.open(f"{out}.rank-{rank}.stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 2)
    record = {"all_reduce": [], "writes": [], "first_real": None, "code": None}
    _record_writes(out, record["writes"])

    averaging: list[str | None] = [None]
    real_all_reduce, real_average = dist.all_reduce, Distributed.average_gradients

    def all_reduce(tensor, *args, **kwargs):
        record["all_reduce"].append({"phase": averaging[0], "elements": tensor.numel()})
        return real_all_reduce(tensor, *args, **kwargs)

    def average_gradients(self, parameters, phase):
        averaging[0] = phase
        try:
            return real_average(self, parameters, phase)
        finally:
            averaging[0] = None

    dist.all_reduce, Distributed.average_gradients = all_reduce, average_gradients

    real_real = StepContext.real

    def real(self, n=None):
        x, labels = real_real(self, n)
        if record["first_real"] is None:
            record["first_real"] = x.tolist()
        return x, labels

    StepContext.real = real

    trainers = []
    real_step, real_fit = loop.Trainer.train_step, loop.Trainer.fit

    def train_step(self):
        if fault and fault[0] == rank and self.step == fault[1]:
            if fault[2] == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(3600)
        return real_step(self)

    def fit(self):
        trainers.append(self)
        return real_fit(self)

    loop.Trainer.train_step, loop.Trainer.fit = train_step, fit

    code = 0
    try:
        ganzoo.cli.main([*job["args"], "--out", out])  # the console script: "Error: ..." and exit 2 included
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # noqa: BLE001 - reported as a status, the test shows it
        import traceback

        traceback.print_exc()
        code = 1
    record["code"] = code
    if trainers:
        trainer = trainers[-1]
        state = {f"{role}.{k}": v.detach().clone().contiguous() for role, net in trainer.networks.items()
                 for k, v in net.state_dict().items()}
        if trainer.ema is not None:
            state.update({f"ema.{k}": v.detach().clone().contiguous() for k, v in trainer.ema.state_dict().items()})
        save_file(state, f"{out}.rank-{rank}.safetensors")
        record["sizes"] = {role: {"elements": sum(p.numel() for p in net.parameters()),
                                  "tensors": len(list(net.parameters()))} for role, net in trainer.networks.items()}
    with builtins.open(f"{out}.rank-{rank}.json", "w") as f:
        json.dump(record, f)
    sys.stderr.flush()
    os._exit(code)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    for line in sys.stdin:
        job = json.loads(line)
        port = _free_port()
        pids = []
        for rank in range(WORLD):
            pid = os.fork()
            if pid == 0:
                _child(rank, port, job)
            pids.append(pid)
        codes: list[int | None] = [None] * WORLD
        _, status = os.waitpid(pids[0], 0)
        codes[0] = os.waitstatus_to_exitcode(status)
        hung = []
        deadline = time.monotonic() + GRACE
        for rank in range(1, WORLD):
            while codes[rank] is None:
                done, status = os.waitpid(pids[rank], os.WNOHANG)
                if done:
                    codes[rank] = os.waitstatus_to_exitcode(status)
                elif time.monotonic() > deadline:
                    hung.append(rank)
                    os.kill(pids[rank], signal.SIGKILL)
                    codes[rank] = os.waitstatus_to_exitcode(os.waitpid(pids[rank], 0)[1])
                else:
                    time.sleep(0.05)
        print(json.dumps({"out": job["out"], "codes": codes, "hung": hung}), flush=True)


if __name__ == "__main__":
    main()
