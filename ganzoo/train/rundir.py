"""The run directory: where a run's configuration, metrics, samples and checkpoints live.

```
RUN_DIR/
  config.json        resolved configuration, versions, provenance of each component
  metrics.jsonl      one JSON line per logged step
  samples/           step-NNNNNN.png: fixed-noise grid (images) or scatter (2-D data)
  checkpoints/       step-NNNNNN.safetensors + .json, and `latest`
  tensorboard/       TensorBoard events, when the run's loggers include tensorboard
```
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ganzoo import fileio
from ganzoo.errors import RunDirError

RUN_FORMAT = "ganzoo-run-1"


class RunDir:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    config_path = property(lambda self: self.path / "config.json")
    metrics_path = property(lambda self: self.path / "metrics.jsonl")
    samples = property(lambda self: self.path / "samples")
    checkpoints = property(lambda self: self.path / "checkpoints")

    @classmethod
    def create(cls, path: str | Path, record: dict[str, Any]) -> RunDir:
        """Start a new run at ``path``; refuses any existing non-empty directory."""
        run = cls(path)
        if run.path.exists():
            if not run.path.is_dir():
                raise RunDirError(f"--out {run.path} exists and is not a directory; choose another --out")
            if run.config_path.exists():
                raise RunDirError(
                    f"{run.path} already holds a ganzoo run; continue it with "
                    f"`ganzoo train --resume {run.path}` or choose another --out"
                )
            if any(run.path.iterdir()):
                raise RunDirError(f"--out {run.path} exists and is not a ganzoo run; choose another --out")
        run.samples.mkdir(parents=True, exist_ok=True)
        run.checkpoints.mkdir(exist_ok=True)
        fileio.write_json(run.config_path, {"format": RUN_FORMAT, **record})
        return run

    @classmethod
    def open(cls, path: str | Path) -> RunDir:
        """An existing run; raises RunDirError if ``path`` is not one."""
        run = cls(path)
        if not run.path.is_dir():
            raise RunDirError(f"no run directory at {run.path}; pass the --out of an earlier `ganzoo train`")
        try:
            record = json.loads(run.config_path.read_text())
        except FileNotFoundError:
            raise RunDirError(f"{run.path} is not a ganzoo run (no config.json)") from None
        except ValueError as err:
            raise RunDirError(f"{run.config_path} is corrupt ({err})") from None
        if not isinstance(record, dict) or record.get("format") != RUN_FORMAT:
            raise RunDirError(f"{run.path} is not a ganzoo run (config.json has no {RUN_FORMAT!r} format)")
        return run

    def read_record(self) -> dict[str, Any]:
        return json.loads(self.config_path.read_text())

    def write_record(self, record: dict[str, Any]) -> None:
        fileio.write_json(self.config_path, {"format": RUN_FORMAT, **record})

    def append_metrics(self, row: dict[str, Any]) -> None:
        with open(self.metrics_path, "a") as f:
            f.write(json.dumps(row) + "\n")

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
