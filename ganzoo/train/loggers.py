"""Run loggers: where a run's rows and sample grids go besides ``metrics.jsonl``.

Loggers are plugins of the entry-point group ``ganzoo.loggers``; the ``loggers``
setting names the ones a run uses (``--set loggers=tensorboard``). The built-in
``jsonl`` writes ``metrics.jsonl``, the record of the run, and is always on; its
failures stop the run. Any other logger that raises is reported once on stderr and
dropped, and the run goes on.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ganzoo.api import RunLogger
from ganzoo.errors import ConfigError
from ganzoo.plugins.loading import one_line
from ganzoo.train.rundir import RunDir

#: the logger that writes metrics.jsonl; every run has it
JSONL = "ganzoo:jsonl"


class JsonlLogger(RunLogger):
    """Writes each row to RUN_DIR/metrics.jsonl (always on)."""

    def __init__(self):
        self.run: RunDir | None = None

    def start(self, run_dir: Path, config: dict[str, Any], step: int) -> None:
        self.run = RunDir(run_dir)  # the resume code has already cut the rows after ``step``

    def log(self, row: dict[str, Any]) -> None:
        self.run.append_metrics(row)


class TensorBoardLogger(RunLogger):
    """Writes losses, D's outputs, learning rates and sample grids for TensorBoard to RUN_DIR/tensorboard/."""

    #: row key -> TensorBoard tag (grouped by the part before the slash); other keys keep their name
    TAGS = {
        "d_loss": "loss/discriminator",
        "g_loss": "loss/generator",
        "d_real": "D/real",
        "d_fake": "D/fake",
        "lr_g": "lr/generator",
        "lr_d": "lr/discriminator",
        "seconds": "time/seconds",
    }

    def __init__(self):
        self.writer = None

    @classmethod
    def unavailable(cls) -> str:
        if importlib.util.find_spec("tensorboard") is None:
            return "the tensorboard logger needs the tensorboard package: pip install 'ganzoo[tensorboard]'"
        return ""

    def start(self, run_dir: Path, config: dict[str, Any], step: int) -> None:
        from torch.utils.tensorboard import SummaryWriter

        # On resume, TensorBoard hides the events an earlier attempt logged after ``step``.
        self.writer = SummaryWriter(str(Path(run_dir) / "tensorboard"), purge_step=step + 1 if step else None)

    def log(self, row: dict[str, Any]) -> None:
        for key, value in row.items():
            if key != "step" and isinstance(value, (int, float)) and not isinstance(value, bool):
                self.writer.add_scalar(self.TAGS.get(key, key), value, row["step"])

    def image(self, step: int, png: bytes) -> None:
        import numpy as np
        from PIL import Image

        pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        self.writer.add_image("samples", pixels, step, dataformats="HWC")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


@dataclass
class _Entry:
    #: "logger 'x' from package 'p' 1.0", for messages
    label: str
    logger: RunLogger
    #: the metrics.jsonl writer: its failures stop the run instead of dropping it
    required: bool = False


class RunLoggers:
    """The loggers of one run, called together. Hooks do nothing before ``start`` and
    after ``close``. ``RunLoggers.none()`` writes nothing at all (for processes other
    than the one that owns the run directory)."""

    def __init__(self, entries: list[_Entry]):
        self._entries = list(entries)
        self._started = False

    @classmethod
    def none(cls) -> RunLoggers:
        return cls([])

    @classmethod
    def from_config(cls, names: str | None) -> RunLoggers:
        """The ``jsonl`` logger and those ``names`` lists (comma-separated). An unknown or
        ambiguous name, or a logger that cannot run here, raises a GanzooError; a broken
        plugin is reported and left out."""
        from ganzoo import registry

        entries = [_Entry(_label(registry.describe("logger", JSONL)), registry.get("logger", JSONL)(), True)]
        seen = {JSONL}
        for name in requested(names):
            info = registry.describe("logger", name)
            qualified = f"{info['package']}:{info['name']}"
            if qualified in seen:
                continue
            seen.add(qualified)
            if info["status"] != "ok":
                _report(f"{_label(info)} is {info['status']} ({info['reason']}); the run goes on without it")
                continue
            logger_class = registry.get("logger", qualified)
            try:
                problem = logger_class.unavailable()
                logger = None if problem else logger_class()
            except BaseException as err:  # noqa: BLE001 - a plugin may raise anything
                if isinstance(err, KeyboardInterrupt):
                    raise
                _report(f"{_label(info)} failed when created ({one_line(err)}); the run goes on without it")
                continue
            if problem:
                raise ConfigError(f"{problem} (or leave {name} out of the loggers setting)")
            entries.append(_Entry(_label(info), logger))
        return cls(entries)

    def start(self, run_dir: Path, config: dict[str, Any], step: int) -> None:
        if not self._started:
            self._started = True
            self._call("start", Path(run_dir), config, step)

    def log(self, row: dict[str, Any]) -> None:
        if self._started:
            self._call("log", row, copy=True)

    def image(self, step: int, png: bytes) -> None:
        if self._started:
            self._call("image", step, png)

    def close(self) -> None:
        if self._started:
            self._started = False
            self._call("close")

    def _call(self, hook: str, *args: Any, copy: bool = False) -> None:
        for entry in list(self._entries):
            call_args = (dict(args[0]), *args[1:]) if copy else args  # no logger sees another's edits
            try:
                getattr(entry.logger, hook)(*call_args)
            except BaseException as err:  # noqa: BLE001 - a plugin may raise anything, even SystemExit
                if entry.required or isinstance(err, KeyboardInterrupt):
                    raise
                _report(f"{entry.label} failed in {hook}() ({one_line(err)}); it is dropped and the run goes on")
                self._entries.remove(entry)
                if hook != "close":
                    _close_quietly(entry.logger)


def requested(names: str | None) -> list[str]:
    """The logger names in the ``loggers`` setting, in order, once each, without ``jsonl``."""
    found = dict.fromkeys(part.strip() for part in (names or "").split(","))
    return [name for name in found if name and name not in ("jsonl", JSONL)]


def _close_quietly(logger: RunLogger) -> None:
    """Let a dropped logger release what it holds; it has been reported already."""
    try:
        logger.close()
    except Exception:  # noqa: BLE001
        pass


def _label(info: dict[str, Any]) -> str:
    return f"logger '{info['name']}' from package '{info['package']}' {info['version']}".rstrip()


def _report(message: str) -> None:
    print(f"ganzoo: {message}", file=sys.stderr, flush=True)
