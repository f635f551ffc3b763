"""Checkpoints: tensors in safetensors, everything else in a JSON sidecar. Nothing is pickled.

A checkpoint named ``step-000300`` is two files in ``checkpoints/``:
``step-000300.safetensors`` (weights, optimizer tensors, RNG states) and
``step-000300.json`` (step, optimizer hyper-parameters, the safetensors file's
sha256). Each is written atomically, the sidecar after the tensors, and the
``latest`` pointer last: a crash at any moment leaves the previous checkpoint usable.
Only finite weights and optimizer states are written. Reading trusts nothing on disk:
``latest`` must name a checkpoint in the same folder, links are refused, sizes are
bounded and every sidecar field is checked.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import warnings
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save
from torch import Tensor

from ganzoo import fileio
from ganzoo.errors import GanzooWarning, RunDirError, StorageError

FORMAT = "ganzoo-checkpoint-1"
_NAME = re.compile(r"^step-(\d{6,})$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_POINTER_LIMIT = 64  # bytes: "step-NNNNNN\n" with room for long runs
_SIDECAR_LIMIT = 64 << 20  # bytes: optimizer hyper-parameters grow with the number of tensors
_TENSORS_LIMIT = 1 << 40


def checkpoint_name(step: int) -> str:
    return f"step-{step:06d}"


class NonFiniteState(ValueError):
    """Tensors holding NaN or infinity were about to be saved; ``names`` lists them."""

    def __init__(self, names: list[str]):
        super().__init__(f"{len(names)} tensors are not finite: {', '.join(names[:5])}{', ...' if len(names) > 5 else ''}")
        self.names = names


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
    """Load what :func:`optimizer_to_flat` wrote. Raises ValueError, saying what is wrong, when
    it does not fit ``optimizer`` (other parameters, groups, or a hyper-parameter of another type)."""
    params = [p for group in optimizer.param_groups for p in group["params"]]
    _check_param_groups(optimizer.state_dict()["param_groups"], meta["param_groups"])
    state: dict[int, dict[str, Any]] = {}
    for name, value in tensors.items():
        if name.startswith(prefix + "."):
            index, key = name[len(prefix) + 1 :].split(".", 1)
            if not index.isdigit() or int(index) >= len(params):
                raise ValueError(f"state of parameter {index!r}, which the optimizer does not have")
            if value.shape not in (torch.Size(), params[int(index)].shape):
                raise ValueError(f"{name} has shape {tuple(value.shape)}, the parameter {tuple(params[int(index)].shape)}")
            state.setdefault(int(index), {})[key] = value
    scalars = meta["scalars"]
    if not isinstance(scalars, dict) or not all(k.isdigit() and isinstance(v, dict) for k, v in scalars.items()):
        raise ValueError("'scalars' is not a mapping of parameter numbers to values")
    for index, entry in scalars.items():
        state.setdefault(int(index), {}).update(entry)
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


def _check_param_groups(expected: list[dict], found: Any) -> None:
    """``found`` has the groups, parameter counts and value types of ``expected``."""
    if not isinstance(found, list) or len(found) != len(expected):
        raise ValueError(f"'param_groups' should be a list of {len(expected)} groups")
    for want, got in zip(expected, found):
        if not isinstance(got, dict) or set(got) != set(want):
            raise ValueError(f"a parameter group has keys {sorted(got) if isinstance(got, dict) else got!r}, "
                             f"expected {sorted(want)}")
        for key, value in want.items():
            if not _same_kind(value, got[key]):
                raise ValueError(f"parameter group setting {key!r} is {got[key]!r}, expected one like {value!r}")


def _same_kind(want: Any, got: Any) -> bool:
    if isinstance(want, bool) or want is None or isinstance(want, str):
        return type(got) is type(want)
    if isinstance(want, (int, float)):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and math.isfinite(got)
    if isinstance(want, (list, tuple)):
        return isinstance(got, list) and len(got) == len(want) and all(_same_kind(w, g) for w, g in zip(want, got))
    return False


def prefixed(prefix: str, tensors: dict[str, Tensor]) -> dict[str, Tensor]:
    return {f"{prefix}.{k}": v for k, v in tensors.items()}


def unprefixed(prefix: str, tensors: dict[str, Tensor]) -> dict[str, Tensor]:
    cut = len(prefix) + 1
    return {k[cut:]: v for k, v in tensors.items() if k.startswith(prefix + ".")}


def non_finite(tensors: dict[str, Tensor]) -> list[str]:
    """Names of the floating-point tensors holding a NaN or an infinity."""
    floats = [(name, t) for name, t in tensors.items() if t.is_floating_point() and t.numel()]
    if not floats:
        return []
    finite = torch.stack([torch.isfinite(t).all().cpu() for _, t in floats]).tolist()  # one sync
    return [name for (name, _), ok in zip(floats, finite) if not ok]


# ---------------------------------------------------------------- writing


def save(directory: Path, step: int, tensors: dict[str, Tensor], meta: dict, keep: int) -> Path:
    """Write checkpoint ``step`` into ``directory``, point ``latest`` at it, prune old ones.

    Returns the safetensors path. Keeps the newest ``keep`` checkpoints. Raises
    :class:`NonFiniteState`, writing nothing, if a floating-point tensor is not finite.
    """
    bad = non_finite(tensors)
    if bad:
        raise NonFiniteState(bad)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StorageError.from_os_error(err, directory, "create") from None
    name = checkpoint_name(step)
    cpu = {k: v.detach().to("cpu").contiguous() for k, v in tensors.items()}
    blob = st_save(cpu, metadata={"format": FORMAT})
    fileio.write_bytes(directory / f"{name}.safetensors", blob)
    sidecar = {"format": FORMAT, "step": step, "sha256": hashlib.sha256(blob).hexdigest(), **meta}
    fileio.write_json(directory / f"{name}.json", sidecar)
    fileio.write_text(directory / "latest", name + "\n")
    for old in list_steps(directory)[:-keep]:
        _remove(directory, old)
    return directory / f"{name}.safetensors"


def _remove(directory: Path, step: int) -> None:
    for suffix in (".json", ".safetensors"):  # sidecar first: without it a file is no checkpoint
        path = directory / f"{checkpoint_name(step)}{suffix}"
        try:
            path.unlink(missing_ok=True)
        except OSError as err:
            raise StorageError.from_os_error(err, path, "remove") from None


def discard_after(directory: Path, step: int) -> None:
    """Make checkpoint ``step`` the latest and delete the later ones (a resume from an earlier
    checkpoint abandons them, as it does their metrics)."""
    later = [s for s in list_steps(directory) if s > step]
    if later:
        fileio.write_text(directory / "latest", checkpoint_name(step) + "\n")  # first: a crash keeps it consistent
        for old in later:
            _remove(directory, old)


def remove_leftovers(directory: Path) -> None:
    """Delete what a crash can leave: temporary files, and a tensors file whose sidecar is gone
    (cut short while pruning) or not yet written. Only the process holding the run calls this."""
    if not directory.is_dir():
        return
    fileio.remove_temporaries(directory)
    for tensors_file in directory.glob("step-*.safetensors"):
        if _NAME.match(tensors_file.stem) and not tensors_file.with_suffix(".json").exists():
            tensors_file.unlink(missing_ok=True)


# ---------------------------------------------------------------- reading


def list_steps(directory: Path) -> list[int]:
    """Steps of the complete checkpoints in ``directory`` (both files present), ascending."""
    steps = []
    for sidecar in directory.glob("step-*.json"):
        match = _NAME.match(sidecar.stem)
        if match and sidecar.with_suffix(".safetensors").exists():
            steps.append(int(match.group(1)))
    return sorted(steps)


def resolve(directory: Path, which: str | None = None) -> Path:
    """The sidecar path of checkpoint ``which`` (a step number, a name, or None for latest).

    When ``latest`` is missing or unusable, the newest checkpoint whose checksum holds is
    used, with a :class:`~ganzoo.errors.GanzooWarning` saying so.
    """
    if which is None:
        return _latest(directory)
    name = checkpoint_name(int(which)) if which.isdigit() else Path(which).stem
    sidecar = directory / f"{name}.json"
    if not _NAME.match(name) or not sidecar.exists():
        available = ", ".join(checkpoint_name(s) for s in list_steps(directory)) or "none"
        raise RunDirError(f"checkpoint {which!r} not found in {directory}; available: {available}")
    return sidecar


def _latest(directory: Path) -> Path:
    pointer = directory / "latest"
    try:
        name = fileio.read_small(pointer, _POINTER_LIMIT).decode("ascii").strip()
        problem = None if _NAME.match(name) else "does not name a checkpoint"
    except FileNotFoundError:
        name, problem = "", "is missing"
    except (OSError, ValueError) as err:  # a link, a device, a huge file: never echo its content
        name, problem = "", f"is unusable ({err})"
    if problem is None:
        if name in {checkpoint_name(s) for s in list_steps(directory)}:
            return directory / f"{name}.json"
        problem = f"names {name}, which is not a complete checkpoint"
    for step in reversed(list_steps(directory)):
        sidecar = directory / f"{checkpoint_name(step)}.json"
        try:
            load(sidecar)
        except RunDirError:
            continue
        warnings.warn(GanzooWarning(f"{pointer} {problem}; using {sidecar.stem}, the newest checkpoint "
                                    "whose checksum holds"), stacklevel=3)
        return sidecar
    raise RunDirError(
        f"no usable checkpoint in {directory}: the run stopped before saving its first one; "
        "start it again with `ganzoo train` and the same --out"
    )


def load(sidecar: Path) -> tuple[dict[str, Tensor], dict]:
    """Read a checkpoint, verifying its checksum and its sidecar. Raises RunDirError if it is
    corrupt, a link (a run loads only its own files), or its sidecar has a field of the wrong type."""
    tensors_path = sidecar.with_suffix(".safetensors")
    try:
        meta = json.loads(fileio.read_small(sidecar, _SIDECAR_LIMIT))
        blob = fileio.read_small(tensors_path, _TENSORS_LIMIT)
    except (OSError, ValueError) as err:
        raise RunDirError(f"checkpoint {sidecar} is unreadable ({err}); pass --checkpoint with an older one") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise RunDirError(f"{sidecar} is not a ganzoo checkpoint (format {str(found)[:40]!r})")
    _check_sidecar(meta, sidecar)
    if hashlib.sha256(blob).hexdigest() != meta["sha256"]:
        raise RunDirError(
            f"checkpoint {tensors_path} is corrupt (checksum mismatch); pass --checkpoint with an older one"
        )
    try:
        tensors = st_load(blob)
    except (SafetensorError, ValueError) as err:
        raise RunDirError(f"checkpoint {sidecar} is corrupt ({err})") from None
    return tensors, meta


def _check_sidecar(meta: dict, sidecar: Path) -> None:
    match = _NAME.match(sidecar.stem)
    step = meta.get("step")
    optim = meta.get("optim")
    elapsed = meta.get("elapsed", 0.0)
    checks = [
        ("step", type(step) is int and match is not None and step == int(match.group(1)),
         f"the step in its name, {int(match.group(1)) if match else '?'}"),
        ("sha256", isinstance(meta.get("sha256"), str) and bool(_SHA256.match(meta["sha256"])), "64 hex digits"),
        ("elapsed", type(elapsed) in (int, float) and math.isfinite(elapsed) and elapsed >= 0, "seconds >= 0"),
        ("optim", isinstance(optim, dict) and bool(optim) and all(
            isinstance(v, dict) and {"param_groups", "scalars"} <= set(v) for v in optim.values()),
         "each optimizer's settings"),
        ("config", isinstance(meta.get("config", {}), dict), "the run's configuration"),
    ]
    for field, ok, expected in checks:
        if not ok:
            found = repr(meta.get(field))[:40]
            raise RunDirError(f"checkpoint {sidecar} is corrupt: its {field!r} is {found}, expected {expected}; "
                              "pass --checkpoint with an older one")
