"""The run directory: where a run's configuration, metrics, samples and checkpoints live.

```
RUN_DIR/
  config.json        resolved configuration, versions, provenance of each component
  metrics.jsonl      one JSON line per logged step
  samples/           step-NNNNNN.png: fixed-noise grid (images) or scatter (2-D data)
  checkpoints/       step-NNNNNN.safetensors + .json, and `latest`
  tensorboard/       TensorBoard events, when the run's loggers include tensorboard
  .lock              held by the one process that trains the run
```

One process at a time trains a run: it holds an exclusive ``flock`` on ``.lock``, which the
kernel releases when the process ends however it ends (even ``kill -9``). Readers
(``ganzoo sample``, ``ganzoo eval``) take no lock: every file they read is replaced atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from pathlib import Path
from typing import Any

from ganzoo import fileio
from ganzoo.errors import GanzooWarning, RunDirError, RunInUseError, StorageError
from ganzoo.train import checkpoint

RUN_FORMAT = "ganzoo-run-1"
LOCK_NAME = ".lock"

try:
    import fcntl
except ImportError:  # Windows: msvcrt's byte-range lock is released with the process too
    fcntl = None
    import msvcrt


class RunDir:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock_fd: int | None = None

    config_path = property(lambda self: self.path / "config.json")
    metrics_path = property(lambda self: self.path / "metrics.jsonl")
    samples = property(lambda self: self.path / "samples")
    checkpoints = property(lambda self: self.path / "checkpoints")
    lock_path = property(lambda self: self.path / LOCK_NAME)

    @classmethod
    def create(cls, path: str | Path, record: dict[str, Any]) -> RunDir:
        """Start a new run at ``path`` and hold it. Refuses a directory that is not a run or that
        holds a run with a checkpoint (resume that one); a run that stopped before its first
        checkpoint is started again in place."""
        run = cls(path)
        if run.path.exists() and not run.path.is_dir():
            raise RunDirError(f"--out {run.path} exists and is not a directory; choose another --out")
        if run.path.is_dir() and not run.config_path.exists() and _foreign_entries(run.path):
            raise RunDirError(f"--out {run.path} exists and is not a ganzoo run; choose another --out")
        try:
            run.path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StorageError.from_os_error(err, run.path, "create") from None
        run.acquire()
        try:
            if run.config_path.exists():
                if checkpoint.list_steps(run.checkpoints):
                    raise RunDirError(
                        f"{run.path} already holds a ganzoo run; continue it with "
                        f"`ganzoo train --resume {run.path}` or choose another --out"
                    )
                run._discard_unsaved_run()
            run.remove_leftovers()
            # config.json first: a directory with it and no checkpoint is known to be restartable
            fileio.write_json(run.config_path, {"format": RUN_FORMAT, **record})
            for folder in (run.samples, run.checkpoints):
                folder.mkdir(exist_ok=True)
        except BaseException:
            run.release()
            raise
        return run

    @classmethod
    def open(cls, path: str | Path) -> RunDir:
        """An existing run (not held); raises RunDirError if ``path`` is not one."""
        run = cls(path)
        if not run.path.is_dir():
            raise RunDirError(f"no run directory at {run.path}; pass the --out of an earlier `ganzoo train`")
        try:
            record = json.loads(fileio.read_small(run.config_path, 64 << 20))
        except FileNotFoundError:
            raise RunDirError(f"{run.path} is not a ganzoo run (no config.json)") from None
        except (OSError, ValueError) as err:
            raise RunDirError(f"{run.config_path} is unreadable or corrupt ({err})") from None
        if not isinstance(record, dict) or record.get("format") != RUN_FORMAT:
            raise RunDirError(f"{run.path} is not a ganzoo run (config.json has no {RUN_FORMAT!r} format)")
        return run

    # ------------------------------------------------------------------ the lock

    def acquire(self) -> None:
        """Hold this run for this process; raises RunInUseError if another process holds it."""
        if self._lock_fd is not None:
            return
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise StorageError.from_os_error(err, self.lock_path, "create") from None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            pid = f" (pid {holder})" if holder.isdigit() else ""
            raise RunInUseError(
                f"{self.path} is in use by another ganzoo process{pid}: a run is trained by one "
                "process at a time; wait for it to finish, or stop it first"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # for the message above, in the other process
        self._lock_fd = fd

    def release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the lock
            self._lock_fd = None

    def __del__(self):  # a Trainer dropped without fit(): let go of the run
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                self.release()

    @property
    def held(self) -> bool:
        return self._lock_fd is not None

    # ------------------------------------------------------------------ contents

    def remove_leftovers(self) -> None:
        """Delete what a crashed process left: temporary files and orphaned checkpoint files."""
        for folder in (self.path, self.samples):
            if folder.is_dir():
                fileio.remove_temporaries(folder)
        checkpoint.remove_leftovers(self.checkpoints)

    def _discard_unsaved_run(self) -> None:
        warnings.warn(GanzooWarning(f"{self.path} holds a run that stopped before its first checkpoint; "
                                    "starting it again from scratch"), stacklevel=3)
        for path in [self.config_path, self.metrics_path, self.checkpoints / "latest",
                     *self.samples.glob("step-*.png"), *self.checkpoints.glob("step-*.*")]:
            path.unlink(missing_ok=True)

    def read_record(self) -> dict[str, Any]:
        return json.loads(self.config_path.read_text())

    def write_record(self, record: dict[str, Any]) -> None:
        fileio.write_json(self.config_path, {"format": RUN_FORMAT, **record})

    def append_metrics(self, row: dict[str, Any]) -> None:
        try:
            with open(self.metrics_path, "a") as f:
                f.write(json.dumps(row) + "\n")
        except OSError as err:
            raise StorageError.from_os_error(err, self.metrics_path) from None

    def truncate_metrics(self, after_step: int) -> None:
        """Drop logged rows past ``after_step`` (a resumed run logs them again)."""
        if not self.metrics_path.exists():
            return
        keep = []
        for line in self.metrics_path.read_text().splitlines():
            try:
                if json.loads(line)["step"] <= after_step:
                    keep.append(line)
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a crash
        fileio.write_text(self.metrics_path, "".join(line + "\n" for line in keep))


def _foreign_entries(path: Path) -> list[str]:
    """What in ``path`` a ganzoo run did not put there (before its config.json exists, a run
    holds at most its lock and a temporary config)."""
    return [p.name for p in path.iterdir() if p.name != LOCK_NAME and not fileio.is_temporary(p.name, "config.json.")]
