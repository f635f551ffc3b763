"""How a run's networks compute: ``precision`` (fp32, bf16, fp16) and ``compile``.

Under bf16 and fp16 the forward passes of a phase run in ``torch.autocast`` and every network
hands back its half-precision outputs as float32, so losses and penalties are computed and
accumulated in float32 whatever objective a game calls (the logits are small; the networks'
layers are where half precision pays). Weights and optimizer states stay float32 in every
precision, so a run may resume in another one. fp16 scales each phase's loss with its own
:class:`torch.amp.GradScaler` (the discriminator's and the generator's gradients differ by
orders of magnitude: one shared scale would back off for both when one overflows); the
scalers' state is a few numbers, checkpointed as JSON.

``compile`` puts the generator and the discriminator under ``torch.compile`` for the game's
step; the trainer keeps the uncompiled modules for checkpoints (no ``_orig_mod.`` in the
keys), the EMA copy and sample pictures.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import torch
from torch import Tensor, nn

from ganzoo.errors import ConfigError

#: the ``precision`` setting → the autocast dtype (None: no autocast)
DTYPES = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}
HALF = (torch.float16, torch.bfloat16)
#: torch.compile's backend for ``compile=true`` (tests swap in "aot_eager", which skips code generation)
COMPILE_BACKEND = "inductor"
#: the networks the game runs compiled; other roles (an encoder) stay eager
COMPILED_ROLES = ("generator", "discriminator")


def check_supported(precision: str, device: torch.device) -> None:
    """Raise ConfigError, before a run directory exists, when ``device`` cannot run ``precision``."""
    if precision == "bf16" and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise ConfigError("precision=bf16 needs a GPU with bfloat16 (Ampere or newer), and this one has none; "
                          "use --set precision=fp16 (loss-scaled) or fp32")
    if DTYPES[precision] is not None and not torch.amp.is_autocast_available(device.type):
        raise ConfigError(f"precision={precision} needs torch.autocast on {device.type}, which this torch lacks; "
                          "use --set precision=fp32")


def _float32(output: Any) -> Any:
    if isinstance(output, Tensor):
        return output.float() if output.dtype in HALF else output
    if isinstance(output, tuple):
        return tuple(_float32(o) for o in output)
    return output


def _float32_outputs_hook(module: nn.Module, args: Any, output: Any) -> Any:
    return _float32(output)


class Precision:
    """A run's precision on ``device``: the autocast a phase runs its forward passes in, and
    (fp16) the loss scaler of each phase, by the phase's name ("discriminator", "generator",
    "generator+encoder")."""

    def __init__(self, name: str, device: torch.device):
        self.name, self.device_type, self.dtype = name, device.type, DTYPES[name]
        self.scalers: dict[str, torch.amp.GradScaler] = {}

    def prepare(self, networks: dict[str, nn.Module]) -> None:
        """Make every network return float32 where autocast made its outputs half."""
        if self.dtype is not None:
            for network in networks.values():
                network.register_forward_hook(_float32_outputs_hook)

    def autocast(self) -> contextlib.AbstractContextManager:
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device_type, dtype=self.dtype)

    def scaler(self, phase: str) -> torch.amp.GradScaler | None:
        """The phase's loss scaler under fp16 (made at its first use), else None."""
        if self.name != "fp16":
            return None
        if phase not in self.scalers:
            self.scalers[phase] = torch.amp.GradScaler(self.device_type)
        return self.scalers[phase]

    def state(self) -> dict[str, dict[str, Any]]:
        """Each scaler's state (scale, growth tracker and factors: plain numbers) for a checkpoint."""
        return {phase: scaler.state_dict() for phase, scaler in self.scalers.items()}

    def load_state(self, state: Any) -> None:
        """Restore what :meth:`state` gave (ValueError when it is not that); a run that is not
        fp16 now ignores it, and an fp16 run from a checkpoint without it starts new scalers."""
        if self.name != "fp16":
            return
        if not isinstance(state, dict):
            raise ValueError("'scalers' is not a mapping of phases to loss-scaler states")
        for phase, entry in state.items():
            _check_scaler_state(phase, entry)
            self.scaler(phase).load_state_dict(entry)


def _check_scaler_state(phase: str, entry: Any) -> None:
    keys = {"scale", "growth_factor", "backoff_factor", "growth_interval", "_growth_tracker"}
    if not isinstance(entry, dict) or set(entry) != keys:
        raise ValueError(f"the loss scaler of phase {phase!r} is not a GradScaler's state")
    numbers = [entry[k] for k in ("scale", "growth_factor", "backoff_factor")]
    if not all(type(v) in (int, float) and math.isfinite(v) and v > 0 for v in numbers):
        raise ValueError(f"the loss scaler of phase {phase!r} has a scale or factor that is not a number > 0")
    if not all(type(entry[k]) is int and entry[k] >= 0 for k in ("growth_interval", "_growth_tracker")):
        raise ValueError(f"the loss scaler of phase {phase!r} has a step count that is not a whole number >= 0")


def compiled_networks(networks: dict[str, nn.Module], compile: bool) -> dict[str, nn.Module]:
    """The networks a game runs: the generator and discriminator under torch.compile when
    ``compile`` is on (sharing their parameters with ``networks``), else ``networks`` itself."""
    if not compile:
        return networks
    return {role: torch.compile(network, backend=COMPILE_BACKEND) if role in COMPILED_ROLES else network
            for role, network in networks.items()}
