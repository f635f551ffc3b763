"""Checks of a command's ``--out`` file before any work: a file's name, not a folder; not one that
exists unless ``--force``; in a folder that exists. Each failure is a ConfigError (exit 2)."""

from __future__ import annotations

from pathlib import Path

from ganzoo.errors import ConfigError


def check_out_file(out: Path, force: bool, example: str) -> None:
    """Refuse ``--out`` as a file to write; ``example`` names a file for the message's advice."""
    if out.is_dir():
        raise ConfigError(f"--out {out} is a folder; name a file in it, e.g. {out / example}")
    if out.exists() and not force:
        raise ConfigError(f"--out {out} already exists; pass --force to overwrite it or choose another name")
    if not out.parent.is_dir():
        raise ConfigError(f"the folder of --out {out} does not exist; create it first")
