"""Which backend computes a loss: loading the compiled extension, the environment overrides,
and the single warning when ganzoo has to fall back to its reference.

Backends: ``reference`` (pure PyTorch, always there), ``cpp`` (the compiled op on CPU tensors)
and ``cuda`` (the compiled op on CUDA tensors). ``GANZOO_BCE_BACKEND`` forces one;
``GANZOO_REQUIRE_EXT=1`` turns a missing CPU extension into an error instead of a fallback.
"""

from __future__ import annotations

import os
import warnings

BACKENDS = ("reference", "cpp", "cuda")
ENV_BACKEND = "GANZOO_BCE_BACKEND"
ENV_REQUIRE = "GANZOO_REQUIRE_EXT"
_DEVICE_OF = {"cpp": "cpu", "cuda": "cuda"}


class ExtensionFallbackWarning(RuntimeWarning):
    """ganzoo runs a loss on its pure-PyTorch reference because a compiled backend is missing."""


class _State:
    loaded = False
    module = None  # ganzoo._C once imported
    reason: str | None = None  # why it could not be imported
    forced: str | None = None  # GANZOO_BCE_BACKEND as set (validated when used)
    warned: set = set()
    by_device: dict = {}  # device type -> backend, decided once (cleared by reset and loading)


_state = _State()


def reset() -> None:
    """Re-read the environment (the tests change it); a loaded extension stays loaded."""
    _state.forced = _read_forced()
    _state.warned = set()
    _state.by_device = {}
    if _state.module is None:
        _state.loaded = False


def _read_forced() -> str | None:
    return os.environ.get(ENV_BACKEND, "").strip().lower() or None


def extension():
    """The imported ``ganzoo._C`` with its ops registered, or None (``load_error()`` says why)."""
    if not _state.loaded:
        _state.loaded = True
        _state.forced = _read_forced()
        _state.by_device = {}
        try:
            from ganzoo import _C
            from ganzoo.ops import _registration

            _registration.register()
            _state.module, _state.reason = _C, None
        except Exception as err:  # noqa: BLE001 - any failure means "fall back, and say why"
            _state.module, _state.reason = None, f"{type(err).__name__}: {err}"
    return _state.module


def load_error() -> str | None:
    extension()
    return _state.reason


def missing_reason(backend: str) -> str | None:
    """None if `backend` can run here, else a sentence saying why not."""
    if backend == "reference":
        return None
    module = extension()
    if module is None:
        return f"ganzoo._C could not be imported ({_state.reason})"
    if backend == "cuda":
        import torch

        if not module.with_cuda:
            return "ganzoo._C was built without CUDA (rebuild where torch has CUDA and nvcc is found)"
        if not torch.cuda.is_available():
            return "no CUDA device is available to torch"
    return None


def available() -> list[str]:
    return [b for b in ("cuda", "cpp", "reference") if missing_reason(b) is None]


def backend_for(device_type: str) -> str:
    """The backend that computes a loss on tensors of `device_type`.

    Decided once per device type (the loss calls this every step); ``reset()`` re-decides.
    A decision that raises is not cached, so every call raises the same clear error.
    """
    if _state.loaded:
        backend = _state.by_device.get(device_type)
        if backend is not None:
            return backend
    backend = _decide(device_type)
    _state.by_device[device_type] = backend
    return backend


def _decide(device_type: str) -> str:
    module = extension()
    if module is None and os.environ.get(ENV_REQUIRE, "") == "1":
        raise RuntimeError(
            f"{ENV_REQUIRE}=1 but ganzoo's compiled extension could not be loaded "
            f"({_state.reason}); rebuild it with `pip install --no-build-isolation -e .`"
        )
    forced = _state.forced
    if forced is not None:
        if forced not in BACKENDS:
            raise ValueError(f"{ENV_BACKEND}={forced!r} is not a backend; use one of {', '.join(BACKENDS)}")
        if forced == "reference":
            return forced
        if _DEVICE_OF[forced] != device_type:
            raise ValueError(f"{ENV_BACKEND}={forced} cannot compute on {device_type} tensors")
        reason = missing_reason(forced)
        if reason is not None:
            raise RuntimeError(f"{ENV_BACKEND}={forced}, but that backend is unavailable: {reason}")
        return forced
    if module is not None and (device_type == "cpu" or (device_type == "cuda" and module.with_cuda)):
        return "cpp" if device_type == "cpu" else "cuda"
    if device_type in ("cpu", "cuda"):
        backend = "cpp" if device_type == "cpu" else "cuda"
        reason = missing_reason(backend)
        if reason not in _state.warned:  # one warning per cause, not per call or per device
            _state.warned.add(reason)
            warnings.warn(
                f"ganzoo: the compiled '{backend}' BCE backend is unavailable ({reason}); "
                "using the pure-PyTorch reference. `ganzoo doctor` shows the details.",
                ExtensionFallbackWarning,
                stacklevel=4,
            )
    return "reference"
