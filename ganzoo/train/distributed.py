"""Data-parallel training on torchrun: N processes (ranks) train the same networks, each on
its own batches, and every update averages the gradients of exactly what it updates.

``torchrun --nproc_per_node=N -m ganzoo train ...`` sets RANK, WORLD_SIZE, LOCAL_RANK and the
rendezvous address; :meth:`Distributed.join` starts ``torch.distributed`` from them (gloo on
the CPU, NCCL on CUDA, one GPU per process by LOCAL_RANK). What it means for a run:

- ``batch_size`` is per process: one step trains on ``world_size × batch_size`` samples.
- Each rank draws its own data, latent and torch streams: rank 0 those of a one-process run
  of the same seed, rank k > 0 streams derived from (seed, k).
- Rank 0's weights and buffers are broadcast when the trainer is made: every rank starts equal.
- A phase of a game (:class:`ganzoo.train.step.Phase`) averages, after its backward passes and
  before its optimizers step, the gradients of its optimizers' parameters: one all-reduce of
  them flattened, in the optimizers' order, and nothing else. The discriminator's gradients
  from the generator's phase never travel, and penalties that differentiate twice (R1, GP)
  need nothing special. (Why not DistributedDataParallel: docs/scaling.md.)
- Only rank 0 writes the run directory; its checkpoints hold every rank's RNG states, and a
  resume restores rank k's streams from them (at the same world size only).
- A collective that fails (another process died) or waits past ``dist_timeout`` seconds raises
  :class:`DistributedError` saying so, instead of hanging.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import Tensor, nn

from ganzoo.errors import ConfigError, GanzooError

class DistributedError(GanzooError):
    """A process of a distributed job failed, or stopped answering within ``dist_timeout``."""


def launched() -> bool:
    """Whether this process is one of several that torchrun started."""
    return _env_int("WORLD_SIZE", 1) > 1


def torchrun_command(nproc: int, ganzoo_args: list[str]) -> list[str]:
    """The command that runs ``ganzoo ganzoo_args...`` in ``nproc`` processes of this machine
    under torchrun (its single-node rendezvous on a free port)."""
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}",
            "-m", "ganzoo", *ganzoo_args]


def _env_int(key: str, default: int) -> int:
    text = os.environ.get(key, "")
    if not text:
        return default
    if not (text.isascii() and text.isdigit()):
        raise ConfigError(f"the environment variable {key}={text!r} is not a whole number; "
                          "start distributed runs with torchrun, which sets it")
    return int(text)


@dataclass
class Distributed:
    """This process's place in the job (a one-process run is rank 0 of 1), and the
    collectives the trainer makes; every collective is a no-op in a one-process run."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    local_world_size: int = 1
    #: seconds a collective waits for the other processes (the ``dist_timeout`` setting)
    timeout: float = 600.0
    backend: str | None = None
    #: seconds spent in collectives so far, waiting for the other processes included (benchmarks read it)
    collective_seconds: float = 0.0

    @classmethod
    def from_environment(cls) -> Distributed:
        """The job torchrun started this process in (or the process group a script started
        already); a process alone when neither is there."""
        if dist.is_available() and dist.is_initialized():
            world, rank = dist.get_world_size(), dist.get_rank()
            local_world = _env_int("LOCAL_WORLD_SIZE", world)
            return cls(rank, world, _env_int("LOCAL_RANK", rank % local_world), local_world,
                       backend=dist.get_backend())
        world = _env_int("WORLD_SIZE", 1)
        rank = _env_int("RANK", 0)
        if rank >= world:
            raise ConfigError(f"RANK={rank} is not below WORLD_SIZE={world}; start distributed runs with torchrun")
        return cls(rank, world, _env_int("LOCAL_RANK", 0), _env_int("LOCAL_WORLD_SIZE", 1))

    @property
    def active(self) -> bool:
        return self.world_size > 1

    @property
    def writes(self) -> bool:
        """Whether this process writes the run directory (rank 0 does, alone)."""
        return self.rank == 0

    def describe(self, batch_size: int) -> dict[str, Any]:
        """What config.json records about the job."""
        return {"world_size": self.world_size, "backend": self.backend, "batch_size": "per process",
                "global_batch_size": batch_size * self.world_size}

    # ------------------------------------------------------------------ setting up

    def device(self, device: torch.device) -> torch.device:
        """The device of this process: under torchrun on CUDA, the GPU of its LOCAL_RANK."""
        if not self.active or device.type != "cuda":
            return device
        if device.index is not None:
            raise ConfigError(f"--device {device} names one GPU, and under torchrun each of the {self.world_size} "
                              "processes takes the GPU of its LOCAL_RANK; pass --device cuda")
        count = torch.cuda.device_count()
        if self.local_rank >= count:
            raise ConfigError(f"process {self.rank} has LOCAL_RANK {self.local_rank}, and this node has {count} GPU(s); "
                              f"start at most {count} processes per node (torchrun --nproc_per_node={count})")
        device = torch.device("cuda", self.local_rank)
        torch.cuda.set_device(device)
        return device

    def check(self, config: Any, device: torch.device) -> None:
        """Refuse, before a run directory exists, what this job cannot run."""
        if self.active and config.sync_batchnorm and device.type != "cuda":
            raise ConfigError("sync_batchnorm=true needs CUDA: torch's SyncBatchNorm runs on GPUs only. On the CPU "
                              "leave it off: each process then normalizes its own batch_size samples")

    def default_threads(self, config: Any) -> None:
        """With several processes on a node and ``threads=0``, share the node's cores out
        among them (each process measuring idle cores would count the same cores twice)."""
        if self.active and config.threads == 0:
            config.threads = max(1, len(os.sched_getaffinity(0)) // max(self.local_world_size, 1))

    def join(self, device: torch.device, timeout: float) -> None:
        """Start torch.distributed for this job (gloo for the CPU, NCCL for CUDA), once; its
        collectives wait ``timeout`` seconds for the other processes."""
        self.timeout = timeout
        if not self.active or (dist.is_initialized() and self.backend is not None):
            return
        backend = "nccl" if device.type == "cuda" else "gloo"
        try:
            dist.init_process_group(backend, timeout=timedelta(seconds=self.timeout))
        except (RuntimeError, ValueError) as err:  # the rendezvous failed or timed out
            raise DistributedError(
                f"process {self.rank} of {self.world_size} could not join the others "
                f"({_first_line(err)}); start every process with the same torchrun command "
                f"(on each node), within dist_timeout={self.timeout:g} s of each other") from None
        self.backend = backend

    def leave(self) -> None:
        """End this process's part in the job (torch.distributed's group), once every process
        is here: a process that exits with its group alive, or tears it down while another
        still talks to it, can abort at exit (gloo: "terminate called without an active exception")."""
        if self.active and dist.is_initialized():
            dist.barrier()
            dist.destroy_process_group()

    def own_streams(self, seed: int) -> tuple[torch.Generator, torch.Generator]:
        """This process's data and latent streams. Rank 0's are a one-process run's; rank k
        draws both, and reseeds torch's own stream (dropout, GP's mixing), from (seed, k)."""
        if self.rank == 0:
            return torch.Generator().manual_seed(seed + 1), torch.Generator().manual_seed(seed + 2)
        data, latent, own = (int(s) for s in np.random.SeedSequence([seed, self.rank]).generate_state(3, np.uint64))
        torch.manual_seed(own)
        return torch.Generator().manual_seed(data), torch.Generator().manual_seed(latent)

    # ------------------------------------------------------------------ collectives

    def broadcast_state(self, modules: Iterable[nn.Module]) -> None:
        """Every process takes rank 0's parameters and buffers of ``modules``."""
        if not self.active:
            return
        tensors = [t for module in modules for t in (*module.parameters(), *module.buffers())]
        with torch.no_grad():
            for group in _by_dtype(tensors):
                flat = torch.cat([t.reshape(-1) for t in group])
                self._collective("broadcasting rank 0's weights", dist.broadcast, flat, 0)
                for t, piece in zip(group, flat.split([t.numel() for t in group])):
                    t.copy_(piece.view(t.shape))

    def average_gradients(self, parameters: list[Tensor], phase: str) -> None:
        """Replace each parameter's gradient by its mean over the processes: one all-reduce of
        all of them flattened in this order, ending with one number per parameter that counts
        the processes that had a gradient for it (where none had, the gradient stays None)."""
        if not self.active or not parameters:
            return
        grads = [p.grad for p in parameters]
        present = [g for g in grads if g is not None]
        dtype = present[0].dtype if present else parameters[0].dtype
        flat = torch.cat([*(g.reshape(-1) if g is not None else p.new_zeros(p.numel(), dtype=dtype)
                            for p, g in zip(parameters, grads)),
                          torch.tensor([g is not None for g in grads], dtype=dtype, device=parameters[0].device)])
        self._collective(f"averaging the gradients of phase {phase!r}", dist.all_reduce, flat)
        *pieces, counts = flat.split([p.numel() for p in parameters] + [len(parameters)])
        # read the counts (a device sync) only where this process lacks a gradient
        had = counts.tolist() if len(present) < len(parameters) else None
        with torch.no_grad():
            for i, (p, g, piece) in enumerate(zip(parameters, grads, pieces)):
                mean = piece.view(p.shape).div_(self.world_size)
                if g is not None:
                    g.copy_(mean)
                elif had[i] > 0:
                    p.grad = mean.to(p.dtype, copy=True)  # not a view that keeps the whole buffer

    def share(self, value: int) -> int:
        """Rank 0's ``value``, in every process."""
        if not self.active:
            return value
        number = torch.tensor([value], dtype=torch.int64, device=self._comm_device())
        self._collective("taking rank 0's choice", dist.broadcast, number, 0)
        return int(number.item())

    def mean(self, values: Tensor) -> Tensor:
        """The mean of ``values`` over the processes (the logged losses)."""
        if not self.active:
            return values
        total = values.to(self._comm_device(), copy=True)
        self._collective("averaging the logged losses", dist.all_reduce, total)
        return (total / self.world_size).to(values.device)

    def stop_signal(self, signum: int | None) -> int | None:
        """The stop signal any process received (each asks after every step, so all stop
        after the same one), or None."""
        if not self.active:
            return signum
        flag = torch.tensor([signum or 0], dtype=torch.int64, device=self._comm_device())
        self._collective("agreeing whether to stop", dist.all_reduce, flag, dist.ReduceOp.MAX)
        return int(flag.item()) or None

    def gather_states(self, states: dict[str, Tensor]) -> list[dict[str, Tensor]]:
        """Every process's ``states`` (tensors of the same names, shapes and dtypes in every
        process: RNG states, a game's state), on the CPU, by rank."""
        if not self.active:
            return [states]
        names = list(states)
        flat = torch.cat([states[n].reshape(-1).view(torch.uint8) for n in names]).to(self._comm_device())
        gathered = [torch.empty_like(flat) for _ in range(self.world_size)]
        self._collective("gathering the RNG states", dist.all_gather, gathered, flat)
        sizes = [states[n].numel() * states[n].element_size() for n in names]
        return [{n: piece.cpu().view(states[n].dtype).view(states[n].shape) for n, piece in zip(names, g.split(sizes))}
                for g in gathered]

    @contextlib.contextmanager
    def together(self, what: str) -> Iterator[None]:
        """Run the block (in which rank 0 may do what it does alone: create the run, save a
        checkpoint), then agree that it went well everywhere: a process whose block raised
        raises that, the others a DistributedError naming it, so none waits for the others."""
        try:
            yield
        except BaseException:
            if self.active:
                with contextlib.suppress(GanzooError):  # the process's own error is the one to show
                    self._failed_ranks(True, what)
            raise
        if self.active:
            failed = self._failed_ranks(False, what)
            if failed:
                who = ", ".join(map(str, failed))
                raise DistributedError(f"process {who} failed while {what} (its own message says why); "
                                       f"process {self.rank} stops with it")

    def _failed_ranks(self, failed: bool, what: str) -> list[int]:
        flags = torch.zeros(self.world_size, dtype=torch.int64, device=self._comm_device())
        flags[self.rank] = int(failed)
        self._collective(what, dist.all_reduce, flags)
        return [rank for rank, f in enumerate(flags.tolist()) if f]

    def _comm_device(self) -> torch.device:
        """Where the trainer's small tensors travel from (NCCL talks only between GPUs)."""
        return torch.device("cuda", torch.cuda.current_device()) if self.backend == "nccl" else torch.device("cpu")

    def _collective(self, what: str, op, *args) -> None:
        start = time.perf_counter()
        try:
            op(*args)
            self.collective_seconds += time.perf_counter() - start
        except RuntimeError as err:  # torch.distributed.DistError, gloo's closed connections and time-outs
            raise DistributedError(
                f"process {self.rank} of {self.world_size} lost the others while {what} ({_first_line(err)}): "
                f"another process of the job crashed, was stopped, or did not answer within "
                f"dist_timeout={self.timeout:g} s. The run directory keeps its last checkpoint: continue with "
                "the same torchrun command and `ganzoo train --resume RUN_DIR` (raise --set dist_timeout=SECONDS "
                "if a step or a checkpoint legitimately takes longer)") from None


def sync_batchnorm(networks: dict[str, nn.Module]) -> dict[str, nn.Module]:
    """The networks with every BatchNorm layer made a :class:`torch.nn.SyncBatchNorm` (batch
    statistics over all processes' samples); the same parameter and buffer names."""
    return {role: nn.SyncBatchNorm.convert_sync_batchnorm(network) for role, network in networks.items()}


def checkpoint_key(rank: int, stream: str) -> str:
    """The name of rank ``rank``'s RNG state ``stream`` (torch, data, latent, cuda) in a
    checkpoint; rank 0's keep the names of a one-process run's."""
    return f"rng.{stream}" if rank == 0 else f"rng.rank{rank}.{stream}"


def game_prefix(rank: int) -> str:
    """The prefix of rank ``rank``'s game state (CycleGAN's pools) in a checkpoint; rank 0's is
    a one-process run's ``game``."""
    return "game" if rank == 0 else f"rank{rank}.game"


def _by_dtype(tensors: list[Tensor]) -> list[list[Tensor]]:
    groups: dict[torch.dtype, list[Tensor]] = {}
    for t in tensors:
        groups.setdefault(t.dtype, []).append(t)
    return list(groups.values())


def _first_line(err: BaseException) -> str:
    """The gist of a torch.distributed error: its first sentence, without gloo's source location."""
    text = str(err).strip()
    if not text:
        return type(err).__name__
    text = re.sub(r"^\[[^\]]*\]\s*", "", text.splitlines()[0])
    return text.split(". This is typically")[0][:300]
