"""Training runs: start a new one, or resume one from its directory.

>>> trainer = start_run("vanilla-mlp", "runs/demo", {"steps": 500, "data": "ring8"})
>>> trainer.fit()
'done'
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from ganzoo.errors import ConfigError, out_of_memory_as
from ganzoo.train.config import STRUCTURAL_KEYS, TrainConfig


def start_run(model: str, out: str | Path, overrides: dict[str, Any] | None = None, progress=None):
    """Resolve ``model`` with ``overrides``, create the run directory ``out`` and return its Trainer,
    which holds the run (another process cannot train it) until its ``fit()`` returns.

    Under torchrun every process calls this with the same arguments: they join the job, rank 0
    creates ``out`` and writes it alone (see :mod:`ganzoo.train.distributed`)."""
    from ganzoo.train.build import build, init_from_data, resolve_config, run_record
    from ganzoo.train.loop import Trainer, memory_advice
    from ganzoo.train.rundir import RunDir

    config = resolve_config(model, dict(overrides or {}))
    job, device, loggers = _join(config)  # a logger that cannot run stops us before --out exists
    with out_of_memory_as(memory_advice(config)):
        parts = build(config, device)
        init_from_data(parts, config.seed)
        parts = _distributed_parts(parts, config, job)
        record = {**run_record(config, parts), "distributed": job.describe(config.batch_size)}
        with job.together("creating the run directory"):  # only once the run is built
            run = RunDir.create(out, record) if job.writes else RunDir(out)
        with _released_on_error(run):
            return Trainer(run, config, parts, device, progress if job.writes else False, loggers, job)


def _join(config):
    """This process's job (alone, or one of torchrun's), device and loggers (none but rank 0's
    write), with torch's threads set and torch.distributed started where there are several."""
    from ganzoo.train.build import apply_threads, select_device
    from ganzoo.train.distributed import Distributed
    from ganzoo.train.loggers import RunLoggers

    job = Distributed.from_environment()
    loggers = RunLoggers.from_config(config.loggers)  # in every process: each refuses the same settings
    job.default_threads(config)
    apply_threads(config)
    device = job.device(select_device(config.device))
    job.check(config, device)
    job.join(device, config.dist_timeout)
    return job, device, loggers if job.writes else RunLoggers.none()


def _distributed_parts(parts, config, job):
    """``parts`` with BatchNorm synchronized over the processes where ``sync_batchnorm`` asks."""
    from ganzoo.train.distributed import sync_batchnorm

    if config.sync_batchnorm and job.active:
        parts.networks = sync_batchnorm(parts.networks)
        parts.generator, parts.discriminator = parts.networks["generator"], parts.networks["discriminator"]
    return parts


def resume_run(path: str | Path, overrides: dict[str, Any] | None = None, checkpoint: str | None = None,
               progress=None):
    """Continue the run in ``path`` from its latest (or the given) checkpoint.

    ``overrides`` may change how long and where it trains (``steps``, ``device``, logging
    intervals) and the optimizer's settings (``lr``, ``betas``, ``momentum``; ``ema`` turned on
    starts from the restored generator), not what is trained. Checkpoints after the one resumed
    from are deleted, like their metrics.
    """
    from ganzoo.train.rundir import RunDir

    run = RunDir.open(path)  # under torchrun, in every process: RUN_DIR on a file system every node sees
    with _released_on_error(run):
        return _resume(run, overrides, checkpoint, progress)


def _resume(run, overrides, checkpoint, progress):
    """resume_run's work; rank 0 holds ``run`` from the moment the job has started."""
    from ganzoo.train import checkpoint as ckpt
    from ganzoo.train.build import build, config_from_record
    from ganzoo.train.config import apply_overrides
    from ganzoo.train.loop import Trainer, memory_advice

    record = run.read_record()
    config = config_from_record(record)
    overrides = dict(overrides or {})
    # a component's or role's setting ("generator.hidden", "encoder.depth") is structural too
    fixed = sorted(k for k in overrides
                   if ("." in k or k in STRUCTURAL_KEYS) and overrides[k] != getattr(config, k, None))
    if fixed:
        raise ConfigError(f"cannot change {', '.join(fixed)} when resuming; start a new run with another --out")
    config = apply_overrides(config, overrides, components={})
    job, device, loggers = _join(config)
    step = -1
    with job.together("taking hold of the run directory"):
        if job.writes:
            run.acquire()
            run.remove_leftovers()
            sidecar = ckpt.resolve(run.checkpoints, checkpoint)
            step = int(sidecar.stem.removeprefix("step-"))
    step = job.share(step)  # every process continues from the checkpoint rank 0 chose
    if not job.writes:
        sidecar = ckpt.resolve(run.checkpoints, str(step))
    with out_of_memory_as(memory_advice(config)):
        parts = _distributed_parts(build(config, device, pinned=record.get("components")), config, job)
        trainer = Trainer(run, config, parts, device, progress if job.writes else False, loggers, job)
        with job.together("loading the checkpoint"):
            trainer.restore(sidecar)
    if config.steps < trainer.step:
        raise ConfigError(f"--steps {config.steps} ends before the checkpoint's step {trainer.step}; "
                          f"pass --steps above {trainer.step} to train on")
    with job.together("preparing the run directory to continue"):
        if job.writes:
            ckpt.discard_after(run.checkpoints, trainer.step)
            run.truncate_metrics(trainer.step)
            record["config"] = config.to_dict()
            record["distributed"] = job.describe(config.batch_size)
            run.write_record(record)
    return trainer


@contextlib.contextmanager
def _released_on_error(run):
    """Let go of ``run`` if what follows fails (a later call in this process may take it)."""
    try:
        yield
    except BaseException:
        run.release()
        raise


__all__ = ["TrainConfig", "resume_run", "start_run"]
