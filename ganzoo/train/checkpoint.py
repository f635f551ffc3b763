"""Checkpoints: tensors in safetensors, everything else in a JSON sidecar. Nothing is pickled.

A checkpoint named ``step-000300`` is two files in ``checkpoints/``:
``step-000300.safetensors`` (weights, optimizer tensors, RNG states) and
``step-000300.json`` (step, optimizer hyper-parameters, the safetensors file's
sha256). Each is written atomically, the sidecar after the tensors, and the
``latest`` pointer last: a crash at any moment leaves the previous checkpoint usable.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save
from torch import Tensor

from ganzoo import fileio
from ganzoo.errors import RunDirError

FORMAT = "ganzoo-checkpoint-1"
_NAME = re.compile(r"^step-(\d{6,})$")


def checkpoint_name(step: int) -> str:
    return f"step-{step:06d}"


# ---------------------------------------------------------------- state flattening


def optimizer_to_flat(optimizer: torch.optim.Optimizer, prefix: str) -> tuple[dict[str, Tensor], dict]:
    """Split an optimizer's state_dict into tensors (for safetensors) and JSON."""
    state = optimizer.state_dict()
    tensors: dict[str, Tensor] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for index, entry in state["state"].items():
        for key, value in entry.items():
            if isinstance(value, Tensor):
                tensors[f"{prefix}.{index}.{key}"] = value
            else:
                scalars.setdefault(str(index), {})[key] = value
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def optimizer_from_flat(optimizer: torch.optim.Optimizer, prefix: str, tensors: dict[str, Tensor], meta: dict) -> None:
    state: dict[int, dict[str, Any]] = {}
    for name, value in tensors.items():
        if name.startswith(prefix + "."):
            index, key = name[len(prefix) + 1 :].split(".", 1)
            state.setdefault(int(index), {})[key] = value
    for index, entry in meta["scalars"].items():
        state.setdefault(int(index), {}).update(entry)
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


def prefixed(prefix: str, tensors: dict[str, Tensor]) -> dict[str, Tensor]:
    return {f"{prefix}.{k}": v for k, v in tensors.items()}


def unprefixed(prefix: str, tensors: dict[str, Tensor]) -> dict[str, Tensor]:
    cut = len(prefix) + 1
    return {k[cut:]: v for k, v in tensors.items() if k.startswith(prefix + ".")}


# ---------------------------------------------------------------- files


def save(directory: Path, step: int, tensors: dict[str, Tensor], meta: dict, keep: int) -> Path:
    """Write checkpoint ``step`` into ``directory``, point ``latest`` at it, prune old ones.

    Returns the safetensors path. Keeps the newest ``keep`` checkpoints.
    """
    directory.mkdir(parents=True, exist_ok=True)
    name = checkpoint_name(step)
    cpu = {k: v.detach().to("cpu").contiguous() for k, v in tensors.items()}
    blob = st_save(cpu, metadata={"format": FORMAT})
    fileio.write_bytes(directory / f"{name}.safetensors", blob)
    sidecar = {"format": FORMAT, "step": step, "sha256": hashlib.sha256(blob).hexdigest(), **meta}
    fileio.write_json(directory / f"{name}.json", sidecar)
    fileio.write_text(directory / "latest", name + "\n")
    for old in list_steps(directory)[:-keep]:
        for suffix in (".json", ".safetensors"):  # sidecar first: without it a file is no checkpoint
            (directory / f"{checkpoint_name(old)}{suffix}").unlink(missing_ok=True)
    return directory / f"{name}.safetensors"


def list_steps(directory: Path) -> list[int]:
    """Steps of the complete checkpoints in ``directory`` (both files present), ascending."""
    steps = []
    for sidecar in directory.glob("step-*.json"):
        match = _NAME.match(sidecar.stem)
        if match and sidecar.with_suffix(".safetensors").exists():
            steps.append(int(match.group(1)))
    return sorted(steps)


def resolve(directory: Path, which: str | None = None) -> Path:
    """The sidecar path of checkpoint ``which`` (a step number, a name, or None for latest)."""
    if which is None:
        pointer = directory / "latest"
        if not pointer.exists():
            raise RunDirError(f"no checkpoint in {directory}: the run saved none yet (train it first)")
        name = pointer.read_text().strip()
    elif which.isdigit():
        name = checkpoint_name(int(which))
    else:
        name = Path(which).stem
    sidecar = directory / f"{name}.json"
    if not _NAME.match(name) or not sidecar.exists():
        available = ", ".join(checkpoint_name(s) for s in list_steps(directory)) or "none"
        raise RunDirError(f"checkpoint {which or name!r} not found in {directory}; available: {available}")
    return sidecar


def load(sidecar: Path) -> tuple[dict[str, Tensor], dict]:
    """Read a checkpoint, verifying its checksum. Raises RunDirError if it is corrupt."""
    try:
        meta = json.loads(sidecar.read_text())
        blob = sidecar.with_suffix(".safetensors").read_bytes()
    except (OSError, ValueError) as err:
        raise RunDirError(f"checkpoint {sidecar} is unreadable ({err}); pass --checkpoint with an older one") from None
    if meta.get("format") != FORMAT:
        raise RunDirError(f"{sidecar} is not a ganzoo checkpoint (format {meta.get('format')!r})")
    if hashlib.sha256(blob).hexdigest() != meta.get("sha256"):
        raise RunDirError(
            f"checkpoint {sidecar.with_suffix('.safetensors')} is corrupt (checksum mismatch); "
            "pass --checkpoint with an older one"
        )
    try:
        tensors = st_load(blob)
    except (SafetensorError, ValueError) as err:
        raise RunDirError(f"checkpoint {sidecar} is corrupt ({err})") from None
    return tensors, meta
