"""Training runs: start a new one, or resume one from its directory.

>>> trainer = start_run("vanilla-mlp", "runs/demo", {"steps": 500, "data": "ring8"})
>>> trainer.fit()
'done'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ganzoo.errors import ConfigError
from ganzoo.train.config import STRUCTURAL_KEYS, TrainConfig


def start_run(model: str, out: str | Path, overrides: dict[str, Any] | None = None, progress=None):
    """Resolve ``model`` with ``overrides``, create the run directory ``out`` and return its Trainer."""
    from ganzoo.train.build import apply_threads, build, resolve_config, run_record, select_device
    from ganzoo.train.loggers import RunLoggers
    from ganzoo.train.loop import Trainer
    from ganzoo.train.rundir import RunDir

    config = resolve_config(model, dict(overrides or {}))
    loggers = RunLoggers.from_config(config.loggers)  # a logger that cannot run stops us before --out exists
    apply_threads(config.threads)
    device = select_device(config.device)
    parts = build(config, device)
    run = RunDir.create(out, run_record(config, parts))
    return Trainer(run, config, parts, device, progress, loggers)


def resume_run(path: str | Path, overrides: dict[str, Any] | None = None, checkpoint: str | None = None,
               progress=None):
    """Continue the run in ``path`` from its latest (or the given) checkpoint.

    ``overrides`` may change how long and where it trains (``steps``, ``device``, logging
    intervals), not what is trained.
    """
    from ganzoo.train import checkpoint as ckpt
    from ganzoo.train.build import apply_threads, build, config_from_record, select_device
    from ganzoo.train.config import apply_overrides
    from ganzoo.train.loggers import RunLoggers
    from ganzoo.train.loop import Trainer
    from ganzoo.train.rundir import RunDir

    run = RunDir.open(path)
    record = run.read_record()
    config = config_from_record(record)
    overrides = dict(overrides or {})
    fixed = sorted(k for k in overrides if k.split(".")[0] in STRUCTURAL_KEYS and overrides[k] != getattr(config, k, None))
    if fixed:
        raise ConfigError(f"cannot change {', '.join(fixed)} when resuming; start a new run with another --out")
    config = apply_overrides(config, overrides, components={})
    loggers = RunLoggers.from_config(config.loggers)
    sidecar = ckpt.resolve(run.checkpoints, checkpoint)
    apply_threads(config.threads)
    device = select_device(config.device)
    parts = build(config, device, pinned=record.get("components"))  # what config.json says it used
    trainer = Trainer(run, config, parts, device, progress, loggers)
    trainer.restore(sidecar)
    run.truncate_metrics(trainer.step)
    record["config"] = config.to_dict()
    run.write_record(record)
    return trainer


__all__ = ["TrainConfig", "resume_run", "start_run"]
