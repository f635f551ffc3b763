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
    which holds the run (another process cannot train it) until its ``fit()`` returns."""
    from ganzoo.train.build import apply_threads, build, resolve_config, run_record, select_device
    from ganzoo.train.loggers import RunLoggers
    from ganzoo.train.loop import Trainer, memory_advice
    from ganzoo.train.rundir import RunDir

    config = resolve_config(model, dict(overrides or {}))
    loggers = RunLoggers.from_config(config.loggers)  # a logger that cannot run stops us before --out exists
    apply_threads(config)
    device = select_device(config.device)
    with out_of_memory_as(memory_advice(config)):
        parts = build(config, device)
        run = RunDir.create(out, run_record(config, parts))  # only once the run is built
        with _released_on_error(run):
            return Trainer(run, config, parts, device, progress, loggers)


def resume_run(path: str | Path, overrides: dict[str, Any] | None = None, checkpoint: str | None = None,
               progress=None):
    """Continue the run in ``path`` from its latest (or the given) checkpoint.

    ``overrides`` may change how long and where it trains (``steps``, ``device``, logging
    intervals) and the optimizer's settings (``lr``, ``betas``, ``momentum``; ``ema`` turned on
    starts from the restored generator), not what is trained. Checkpoints after the one resumed
    from are deleted, like their metrics.
    """
    from ganzoo.train.rundir import RunDir

    run = RunDir.open(path)
    run.acquire()
    with _released_on_error(run):
        return _resume(run, overrides, checkpoint, progress)


def _resume(run, overrides, checkpoint, progress):
    """resume_run's work, with ``run`` held."""
    from ganzoo.train import checkpoint as ckpt
    from ganzoo.train.build import apply_threads, build, config_from_record, select_device
    from ganzoo.train.config import apply_overrides
    from ganzoo.train.loggers import RunLoggers
    from ganzoo.train.loop import Trainer, memory_advice

    run.remove_leftovers()
    record = run.read_record()
    config = config_from_record(record)
    overrides = dict(overrides or {})
    # a component's or role's setting ("generator.hidden", "encoder.depth") is structural too
    fixed = sorted(k for k in overrides
                   if ("." in k or k in STRUCTURAL_KEYS) and overrides[k] != getattr(config, k, None))
    if fixed:
        raise ConfigError(f"cannot change {', '.join(fixed)} when resuming; start a new run with another --out")
    config = apply_overrides(config, overrides, components={})
    loggers = RunLoggers.from_config(config.loggers)
    sidecar = ckpt.resolve(run.checkpoints, checkpoint)
    apply_threads(config)
    device = select_device(config.device)
    with out_of_memory_as(memory_advice(config)):
        parts = build(config, device, pinned=record.get("components"))  # what config.json says it used
        trainer = Trainer(run, config, parts, device, progress, loggers)
        trainer.restore(sidecar)
    if config.steps < trainer.step:
        raise ConfigError(f"--steps {config.steps} ends before the checkpoint's step {trainer.step}; "
                          f"pass --steps above {trainer.step} to train on")
    ckpt.discard_after(run.checkpoints, trainer.step)
    run.truncate_metrics(trainer.step)
    record["config"] = config.to_dict()
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
