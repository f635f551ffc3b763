"""Loading a plugin: import its entry point, check it is the right kind, read its metadata.

This is the only place a plugin's code runs. Every failure becomes a
:class:`LoadFailure` with a one-line reason and the full traceback, so one broken
plugin is reported instead of taking the others down — even ``sys.exit()``. What a
plugin prints while it is imported (or its model factory runs) goes to stderr: ganzoo's
stdout carries only ganzoo's output (``ganzoo list --json`` stays valid JSON).
"""

from __future__ import annotations

import contextlib
import inspect
import sys
import traceback
from importlib import import_module
from typing import Any

#: the base class each component kind must subclass, as "module:attr"
_BASES = {
    "game": "ganzoo.api:Game",
    "generator": "ganzoo.api:Generator",
    "encoder": "ganzoo.api:Encoder",
    "translator": "ganzoo.api:Translator",
    "discriminator": "ganzoo.api:Discriminator",
    "objective": "ganzoo.api:Objective",
    "dataset": "ganzoo.data.base:Dataset",
    "logger": "ganzoo.api:RunLogger",
    "scorer": "ganzoo.api:Scorer",
}
#: constructor arguments the trainer supplies; not hyperparameters of the component
_SUPPLIED = {"self", "data", "latent_dim", "num_classes", "source", "target"}


class LoadFailure(Exception):
    """A plugin could not be loaded: ``reason`` is one line, ``detail`` the traceback."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail or reason


def load(kind: str, value: str) -> Any:
    """Import ``module:attr`` and check it fits ``kind``; a model factory is called.

    Returns the class (components) or the :class:`~ganzoo.api.ModelSpec` (models).
    """
    with contextlib.redirect_stdout(sys.stderr):
        obj = _import(value)
        if kind == "model":
            return _as_model_spec(obj)
    base = _resolve(_BASES[kind])
    if not (isinstance(obj, type) and issubclass(obj, base)):
        raise LoadFailure(f"{value} is {_describe(obj)}, not a subclass of {base.__module__}.{base.__qualname__}")
    return obj


def _import(value: str) -> Any:
    module, _, attr = value.partition(":")
    try:
        obj = import_module(module.strip())
        for part in filter(None, attr.strip().split(".")):
            obj = getattr(obj, part)
    except BaseException as err:  # noqa: BLE001 - a plugin may raise anything, even SystemExit
        if isinstance(err, KeyboardInterrupt):
            raise
        raise LoadFailure(f"importing {value} failed: {one_line(err)}", traceback.format_exc()) from None
    return obj


def _as_model_spec(obj: Any) -> Any:
    from ganzoo.api import ModelSpec

    if isinstance(obj, ModelSpec):
        return obj
    if not callable(obj):
        raise LoadFailure(f"expected a ModelSpec or a function returning one, got {_describe(obj)}")
    try:
        spec = obj()
    except BaseException as err:  # noqa: BLE001
        if isinstance(err, KeyboardInterrupt):
            raise
        raise LoadFailure(f"the model factory raised {one_line(err)}", traceback.format_exc()) from None
    if not isinstance(spec, ModelSpec):
        raise LoadFailure(f"the model factory returned {_describe(spec)}, not a ModelSpec")
    return spec


def metadata_of(kind: str, obj: Any) -> dict[str, Any]:
    """Summary, paper, tags and default hyperparameters of a loaded plugin."""
    if kind == "model":
        return {
            "summary": obj.summary,
            "paper": obj.paper,
            "tags": list(obj.tags),
            "defaults": dict(obj.defaults),
            "components": {
                "game": obj.game,
                "generator": obj.generator,
                "discriminator": obj.discriminator,
                **obj.networks,
                "objective": obj.objective,
            },
        }
    summary = getattr(obj, "summary", "")
    if not isinstance(summary, str) or not summary.strip():
        summary = first_line(obj.__doc__)
    meta = {
        "summary": summary.strip(),
        "paper": getattr(obj, "paper", None),
        "tags": list(getattr(obj, "tags", ()) or ()),
        "defaults": constructor_defaults(obj),
    }
    citation = getattr(obj, "citation", "")
    if citation:
        meta["citation"] = citation
    return meta


def constructor_defaults(cls: type) -> dict[str, Any]:
    """Keyword defaults of ``cls.__init__``, less what the trainer supplies."""
    try:
        params = inspect.signature(cls.__init__).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {
        p.name: p.default
        for p in params
        if p.name not in _SUPPLIED and p.default is not inspect.Parameter.empty
    }


def first_line(doc: str | None) -> str:
    return (inspect.cleandoc(doc).strip().splitlines() or [""])[0] if doc else ""


def one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _describe(obj: Any) -> str:
    if isinstance(obj, type):
        return f"the class {obj.__module__}.{obj.__qualname__}"
    return f"a {type(obj).__name__} object"


def _resolve(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(import_module(module), attr)
