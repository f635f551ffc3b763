"""The training loop: a game's steps (see :class:`ganzoo.api.Game`; the default is the
alternating discriminator and generator updates), with logging, sample pictures,
checkpoints, exact resume, stop signals (Ctrl-C, SIGTERM, SIGHUP) and divergence handling."""

from __future__ import annotations

import copy
import signal
import threading
import time
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from ganzoo import fileio, viz
from ganzoo.api import Translator
from ganzoo.interrupts import STOP_SIGNALS, Interrupted
from ganzoo.errors import ConfigError, RunDirError, TrainingDiverged, out_of_memory_error
from ganzoo.train import checkpoint
from ganzoo.train.build import Components
from ganzoo.train.config import TrainConfig
from ganzoo.train.distributed import Distributed, checkpoint_key, game_prefix
from ganzoo.train.loggers import RunLoggers
from ganzoo.train.precision import Precision, compiled_networks
from ganzoo.train.progress import Progress, training_progress
from ganzoo.train.rundir import RunDir
from ganzoo.train.step import StepContext

#: number of fixed latents drawn for the sample pictures
GRID_SIZE = 64
SCATTER_SIZE = 1000
_SAMPLE_SEED_OFFSET = 7_919  # the fixed noise never shares a stream with training


def memory_advice(config: TrainConfig) -> str:
    """What to lower when a run does not fit in memory."""
    return (f"lower batch_size (now {config.batch_size}) or latent_dim (now {config.latent_dim}), or the "
            "networks' sizes (e.g. --set generator.hidden=...), in a new run; or use a device with more memory")


def make_optimizer(config: TrainConfig, params, lr: float) -> torch.optim.Optimizer:
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=lr, betas=config.betas)
    if config.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, momentum=config.momentum)
    return torch.optim.SGD(params, lr=lr, momentum=config.momentum)


def _optimizer_key(name: str) -> str:
    """An optimizer's name in checkpoints: g and d for the generator's and discriminator's
    (as checkpoints always had them), the game's own name for any other."""
    return {"generator": "g", "discriminator": "d"}.get(name, name)


class Trainer:
    """Drives one run. ``fit()`` trains up to ``config.steps`` and returns "done" or
    "interrupted" (Ctrl-C, SIGTERM or SIGHUP: the step in progress finished, a checkpoint was
    saved; ``stop_signal`` says which). A NaN or infinite loss, or weights that stopped being
    finite, raise :class:`TrainingDiverged` and leave the last good checkpoint in place.

    ``progress``: ``None`` (default) shows a bar on stderr when stderr is a terminal, ``True``
    always (one plain line per logged step when not a terminal), ``False`` never; or a
    :class:`~ganzoo.train.progress.Progress` of your own (another stream, or your callbacks).

    ``distributed``: this process's place in a torchrun job (:mod:`ganzoo.train.distributed`);
    None when it trains alone."""

    def __init__(self, run: RunDir, config: TrainConfig, parts: Components, device: torch.device,
                 progress: bool | Progress | None = None, loggers: RunLoggers | None = None,
                 distributed: Distributed | None = None):
        self.run, self.config, self.parts, self.device = run, config, parts, device
        #: this process's place in a torchrun job (rank 0 of 1 when alone); only rank 0 writes the run
        self.dist = distributed or Distributed()
        # where rows and sample grids go (metrics.jsonl and the `loggers` setting's plugins);
        # RunLoggers.none() for a process that must not write the run directory
        self.loggers = loggers if loggers is not None else RunLoggers.from_config(config.loggers)
        self.G, self.D, self.objective = parts.generator, parts.discriminator, parts.objective
        self.game, self.networks = parts.game, parts.networks
        self.dist.broadcast_state(self.networks.values())  # every process starts from rank 0's weights
        self.progress = training_progress(progress)
        #: by name, as the game groups the parameters (default: one per role)
        self.optimizers = {name: make_optimizer(config, params, self._base_lr(name))
                           for name, params in self.game.parameter_groups(self.networks).items()}
        #: autocast and fp16 loss scalers of the game's phases (config.precision)
        self.precision = Precision(config.precision, device)
        self.precision.prepare(self.networks)
        self.ema: nn.Module | None = None
        if config.ema > 0:
            self.ema = copy.deepcopy(self.G).requires_grad_(False)
        self.data_rng, self.latent_rng = self.dist.own_streams(config.seed)
        self.step = 0
        self.elapsed = 0.0  # training seconds, summed over resumes
        self.conditional = self.G.num_classes > 0
        #: the sample grids show a translator's translations of fixed test images, else fixed latents' samples
        self.translates = isinstance(self.G, Translator)
        if self.translates:
            self.fixed_batch = parts.dataset.test_split()[0][:GRID_SIZE].to(device)
        else:
            sample_rng = torch.Generator().manual_seed(config.seed + _SAMPLE_SEED_OFFSET)
            n = GRID_SIZE if parts.dataset.info.is_image else SCATTER_SIZE
            self.fixed_z = self.G.sample_latent(n, sample_rng, device)
            self.fixed_labels = (torch.arange(n, device=device) % self.G.num_classes) if self.conditional else None
        #: the signal that asked this run to stop (see request_stop), or None
        self.stop_signal: int | None = None
        self._saving = False  # a second signal waits for the checkpoint being written
        self._abort_after_save = False
        self._saved_step: int | None = None
        self._stat_keys: list[str] | None = None
        # the game runs compiled modules (config.compile); checkpoints, EMA and samples the eager ones
        self.context = StepContext(compiled_networks(self.networks, config.compile), self.optimizers, self.objective,
                                   config, device, parts.dataset, self.data_rng, self.latent_rng, self.conditional,
                                   precision=self.precision, distributed=self.dist if self.dist.active else None)

    @property
    def opt_g(self) -> torch.optim.Optimizer | None:
        return self.optimizers.get("generator")

    @property
    def opt_d(self) -> torch.optim.Optimizer | None:
        return self.optimizers.get("discriminator")

    def _base_lr(self, optimizer: str) -> float:
        """``d_lr`` (where set) for the discriminator's optimizer, ``lr`` for every other."""
        return (self.config.d_lr or self.config.lr) if optimizer == "discriminator" else self.config.lr

    # ------------------------------------------------------------------ one step

    def train_step(self) -> dict[str, Tensor]:
        """One step of the game. Returns its detached scalars: ``d_loss``, ``g_loss``,
        ``d_real`` and ``d_fake`` (mean D(real) and D(fake)), and any more the game logs."""
        cfg = self.config
        # Set every step from the configuration: a resume with a new lr or betas takes effect
        # (the optimizer state it restores holds the old ones).
        self._set_hyperparameters(1.0 - (1.0 - cfg.lr_floor) * (self.step / max(cfg.steps, 1))
                                  if cfg.lr_decay == "linear" else 1.0)
        self.context.step = self.step
        self.context.phases.clear()
        stats = self.game.step(self.context)
        if self.ema is not None:
            self._update_ema()
        return stats

    def _set_hyperparameters(self, scale: float) -> None:
        """Every optimizer's learning rate at ``scale`` times the configured one (a function of
        the step alone, so a resumed run continues the same schedule), and betas and momentum
        as configured."""
        cfg = self.config
        for name, opt in self.optimizers.items():
            for group in opt.param_groups:
                group["lr"] = self._base_lr(name) * scale
                if "betas" in group:
                    group["betas"] = tuple(cfg.betas)
                if "momentum" in group:
                    group["momentum"] = cfg.momentum

    @torch.no_grad()
    def _update_ema(self) -> None:
        for avg, live in zip(self.ema.parameters(), self.G.parameters()):
            avg.lerp_(live, 1.0 - self.config.ema)
        for avg, live in zip(self.ema.buffers(), self.G.buffers()):
            avg.copy_(live)

    # ------------------------------------------------------------------ the loop

    def fit(self) -> str:
        cfg = self.config
        sums: Tensor | None = None  # the game's scalars summed since the last log, in self._stat_keys' order
        count = 0
        restore_handlers = self._catch_stop_signals()  # first: from here on a stop signal saves and stops
        try:
            if self.dist.writes:
                self.run.acquire()  # held while training; released when fit returns
            self.loggers.start(self.run.path, cfg.to_dict(), self.step)  # before the clock: not training time
            start = time.perf_counter() - self.elapsed
            if self.progress:
                self.progress.start(self.step, cfg.steps)
            while self.step < cfg.steps and self._agreed_stop() is None:
                stats = self._stack(self.train_step())
                if self.step == 0:
                    self._check_first_step(stats)
                sums = stats if sums is None else sums + stats
                count += 1
                self.step += 1
                self.elapsed = time.perf_counter() - start
                if self.progress:
                    self.progress.advance(self.step)
                at_end = self.step == cfg.steps
                if self.step % cfg.log_every == 0 or at_end:
                    self._log(sums, count)
                    sums, count = None, 0
                if (self.step % cfg.sample_every == 0 or at_end) and self.dist.writes:
                    self.write_samples()
                if self.step % cfg.checkpoint_every == 0 or at_end:
                    self._check_finite(sums, count)
                    self.save()
            if self._saved_step != self.step:  # stopped between checkpoints, or --steps 0
                self._check_finite(sums, count)
                self.save()
            return "done" if self.step >= cfg.steps else "interrupted"
        except (MemoryError, RuntimeError) as err:
            raise out_of_memory_error(err, memory_advice(cfg)) or err
        finally:
            restore_handlers()
            self.run.release()
            self.loggers.close()
            if self.progress:
                self.progress.close()

    def request_stop(self, signum: int = signal.SIGINT) -> None:
        """Finish the step in progress, save a checkpoint and return from fit() (what the first
        Ctrl-C, SIGTERM or SIGHUP does)."""
        if self.stop_signal is None:
            self.stop_signal = signum

    def _agreed_stop(self) -> int | None:
        """The stop signal, once any process of the job has one: all of them stop after the same step."""
        self.stop_signal = self.dist.stop_signal(self.stop_signal)
        return self.stop_signal

    def _catch_stop_signals(self):
        """First stop signal: request_stop. A second one aborts at once (Interrupted, a
        KeyboardInterrupt), or, while a checkpoint is being written, right after it."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def handler(signum, frame):
            if self.stop_signal is None:
                self.request_stop(signum)
            elif self._saving:
                self._abort_after_save = True
            else:
                raise Interrupted(signum)

        previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}

        def restore():
            for sig, old in previous.items():
                signal.signal(sig, signal.SIG_DFL if old is None else old)

        return restore

    def _stack(self, stats: dict[str, Tensor]) -> Tensor:
        """The game's scalars as one float64 vector: d_loss and g_loss first, then the rest in
        the order of the first step (so a step costs no host sync)."""
        if self._stat_keys is None:
            missing = [k for k in ("d_loss", "g_loss") if k not in stats]
            if missing:
                raise TypeError(f"game {self.game!r} returned {sorted(stats)} from step(); it must return "
                                f"d_loss and g_loss (and may add more)")
            self._stat_keys = ["d_loss", "g_loss", *(k for k in stats if k not in ("d_loss", "g_loss"))]
        return torch.stack([stats[k].detach().reshape(()).to(torch.float64) for k in self._stat_keys])

    def _check_first_step(self, stats: Tensor) -> None:
        if not bool(torch.isfinite(self.dist.mean(stats)[:2]).all()):  # one sync, on a new run's first step only
            raise TrainingDiverged(
                "the loss was NaN or infinite from the very first step, before any update could diverge: "
                "the objective (or its penalty), its settings or the data produce it, not the learning rate. "
                "Check the objective's settings and that the data holds only finite numbers."
            )

    def _check_finite(self, sums: Tensor | None, count: int) -> None:
        if count and not bool(torch.isfinite(self.dist.mean(sums)[:2]).all()):  # every process agrees
            self._diverged()

    def _diverged(self, what: str = "a loss (or penalty) became NaN or infinite") -> None:
        steps = checkpoint.list_steps(self.run.checkpoints)
        kept = f"the last good checkpoint (step {steps[-1]}) is kept" if steps else "no checkpoint was saved yet"
        raise TrainingDiverged(
            f"{what} by step {self.step}; training stopped and {kept}. "
            "Try a lower learning rate (e.g. --set lr=1e-4)."
        )

    def _log(self, sums: Tensor, count: int) -> None:
        means = dict(zip(self._stat_keys, (self.dist.mean(sums) / count).tolist()))  # over all processes
        if not (np.isfinite(means["d_loss"]) and np.isfinite(means["g_loss"])):
            self._diverged()
        short = {"generator": "g", "discriminator": "d"}  # lr_g and lr_d, as rows always had them
        rates = {f"lr_{short.get(name, name)}": opt.param_groups[0]["lr"] for name, opt in self.optimizers.items()}
        row = {"step": self.step, **means, **rates, "seconds": round(self.elapsed, 3)}
        self.loggers.log(row)
        if self.progress:
            self.progress.update(self.step, row)

    # ------------------------------------------------------------------ outputs

    def sampling_generator(self) -> nn.Module:
        return self.ema if self.ema is not None else self.G

    @torch.no_grad()
    def write_samples(self) -> Path:
        G = self.sampling_generator()
        was_training = G.training
        G.eval()
        try:
            images = (self.game.preview(G, self.fixed_batch, self.parts.dataset.info) if self.translates
                      else G(self.fixed_z, self.fixed_labels))
            fake = self.parts.dataset.to_data_space(images.float().cpu()).numpy()
        finally:
            G.train(was_training)
        reference = None
        if not self.parts.dataset.info.is_image:
            reference = self.parts.dataset.to_data_space(self.parts.dataset.test_split()[0][:SCATTER_SIZE]).numpy()
        path = self.run.samples / f"step-{self.step:06d}.png"
        png = viz.png_bytes(viz.render(fake, reference))
        fileio.write_bytes(path, png)
        self.loggers.image(self.step, png)
        return path

    def save(self) -> Path | None:
        """Write a checkpoint (rank 0 does, with every process's RNG states; the others get None)."""
        streams = {"torch": torch.get_rng_state(), "data": self.data_rng.get_state(),
                   "latent": self.latent_rng.get_state()}
        if self.device.type == "cuda":
            streams["cuda"] = torch.cuda.get_rng_state(self.device)
        tensors = {checkpoint_key(rank, stream): state
                   for rank, states in enumerate(self.dist.gather_states(streams)) for stream, state in states.items()}
        # every process holds what is saved (without SyncBatchNorm, BatchNorm statistics are per process)
        self.dist.broadcast_state([*self.networks.values(), *([self.ema] if self.ema is not None else [])])
        for role, network in self.networks.items():
            tensors.update(checkpoint.prefixed(role, network.state_dict()))
        if self.ema is not None:
            tensors.update(checkpoint.prefixed("ema", self.ema.state_dict()))
        game_state = self.game.state_dict()  # each process's: CycleGAN's pools differ between them
        for rank, state in enumerate(self.dist.gather_states(game_state) if game_state else [game_state]):
            tensors.update(checkpoint.prefixed(game_prefix(rank), state))
        optim_meta = {}
        for name, optimizer in self.optimizers.items():
            key = _optimizer_key(name)
            flat, optim_meta[key] = checkpoint.optimizer_to_flat(optimizer, f"optim.{key}")
            tensors.update(flat)
        meta = {"elapsed": self.elapsed, "optim": optim_meta, "config": self.config.to_dict(),
                "world_size": self.dist.world_size}
        if self.precision.scalers:
            meta["scalers"] = self.precision.state()  # fp16's loss scales: plain numbers
        self._saving = True
        try:
            with self.dist.together(f"saving the checkpoint of step {self.step}"):
                path = (checkpoint.save(self.run.checkpoints, self.step, tensors, meta, self.config.keep_checkpoints)
                        if self.dist.writes else None)
        except checkpoint.NonFiniteState as err:
            self._diverged(f"{len(err.names)} weight or optimizer tensors became NaN or infinite "
                           f"({', '.join(err.names[:3])}{', ...' if len(err.names) > 3 else ''})")
        finally:
            self._saving = False
        self._saved_step = self.step
        if self._abort_after_save:
            raise KeyboardInterrupt
        return path

    def restore(self, sidecar: Path) -> None:
        """Continue from a checkpoint: weights, optimizer states, RNG streams and step. EMA
        turned on at this resume starts from the restored generator."""
        tensors, meta = checkpoint.load(sidecar)
        self._check_world_size(sidecar, meta.get("world_size", 1))
        try:
            for role, network in self.networks.items():
                network.load_state_dict(checkpoint.unprefixed(role, tensors))
            if self.ema is not None:
                self.ema.load_state_dict(checkpoint.unprefixed("ema", tensors) or self.G.state_dict())
            # a process's own game state; rank 0's in checkpoints from before every process's was kept
            game_state = checkpoint.unprefixed(game_prefix(self.dist.rank), tensors) or checkpoint.unprefixed("game", tensors)
            self.game.load_state_dict({k: v.to(self.device) for k, v in game_state.items()})
            for name, optimizer in self.optimizers.items():
                key = _optimizer_key(name)
                checkpoint.optimizer_from_flat(optimizer, f"optim.{key}", tensors, meta["optim"][key])
            self.precision.load_state(meta.get("scalers", {}))
            rank = self.dist.rank  # each process continues its own streams
            torch.set_rng_state(tensors[checkpoint_key(rank, "torch")])
            self.data_rng.set_state(tensors[checkpoint_key(rank, "data")])
            self.latent_rng.set_state(tensors[checkpoint_key(rank, "latent")])
            if self.device.type == "cuda" and checkpoint_key(rank, "cuda") in tensors:
                torch.cuda.set_rng_state(tensors[checkpoint_key(rank, "cuda")], self.device)
        except (RuntimeError, ValueError, KeyError, TypeError) as err:  # a file that is not this run's
            reason = str(err).strip().splitlines()[0][:300] if str(err).strip() else type(err).__name__
            raise RunDirError(f"checkpoint {sidecar} does not fit this run's networks and optimizers "
                              f"({reason}); pass --checkpoint with another one") from None
        self.step = meta["step"]
        self.elapsed = float(meta.get("elapsed", 0.0))
        self._saved_step = self.step

    def _check_world_size(self, sidecar: Path, trained: object) -> None:
        """Refuse to resume with another number of processes than trained the checkpoint."""
        if type(trained) is not int or trained < 1:
            raise RunDirError(f"checkpoint {sidecar} is corrupt: its 'world_size' is {str(trained)[:40]!r}, expected "
                              "a whole number >= 1; pass --checkpoint with an older one")
        if trained != self.dist.world_size:
            how = (f"{trained} processes in all (on one node: torchrun --nproc_per_node={trained} -m ganzoo train "
                   f"--resume {self.run.path})" if trained > 1 else f"one process (ganzoo train --resume {self.run.path})")
            raise ConfigError(
                f"checkpoint {sidecar.stem} was trained by {trained} process(es) and this job has "
                f"{self.dist.world_size}; resume it with {how}. The number of processes is part of the run: it sets "
                f"the global batch ({trained} × batch_size) and each process's data and noise streams")
