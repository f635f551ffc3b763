"""The plugin registry: find components by name, load them on use, build them.

Everything ganzoo can train with — its own networks and datasets included — comes
from entry points in the groups ``ganzoo.models``, ``ganzoo.generators``,
``ganzoo.discriminators``, ``ganzoo.objectives`` and ``ganzoo.datasets``.

Finding is cheap and imports nothing (:func:`list_plugins`); a plugin's code runs
only when it is used (:func:`get`, :func:`create`, :func:`describe`). A plugin that
fails to load is reported as ``broken`` and never affects the others (per entry
point: one broken entry does not make its package's other entries broken).
Discovery is cached per process; :func:`reset` forgets it.

Names are bare (``mlp``) or qualified by package (``ganzoo:mlp``, always exact). A
bare name that several packages provide resolves, in this order:

1. ``within`` a package (a recipe's component names, with ``within`` the recipe's
   own distribution): that package's entry, if it has one;
2. ganzoo's own entry, if it has one: a third party's ``mlp`` or ``ring8`` never
   changes what ``mlp`` means; it stays reachable as ``package:mlp`` and
   ``ganzoo list`` shows it as shadowed;
3. the one usable entry (disabled and incompatible ones do not count);
4. otherwise an error naming the qualified choices and ``GANZOO_DISABLE_PLUGINS``.

So nothing another package installs changes what an existing recipe builds.

This module does not import torch.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import fnmatch
from typing import Any

from ganzoo.errors import PluginError, UnknownNameError
from ganzoo.plugins import discovery, loading
from ganzoo.plugins import peek as _peeking
from ganzoo.plugins.discovery import BROKEN, DISABLED, INCOMPATIBLE, KINDS, OK, PluginInfo

__all__ = [
    "KINDS",
    "PluginInfo",
    "list_plugins",
    "list_models",
    "get",
    "create",
    "create_model",
    "origin",
    "resolve",
    "describe",
    "load_all",
    "kinds_of",
    "failure_detail",
    "reset",
]


@dataclasses.dataclass
class _Record:
    info: PluginInfo
    obj: Any = None
    failure: loading.LoadFailure | None = None
    peeked: bool = False


_records: list[_Record] | None = None


def _all() -> list[_Record]:
    global _records
    if _records is None:
        import ganzoo

        _records = [_Record(info) for info in discovery.discover(ganzoo.PLUGIN_API)]
    return _records


def reset() -> None:
    """Forget discovered and loaded plugins (after installing one, or in tests)."""
    global _records
    _records = None
    _peeking.clear_cache()


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")


def list_plugins(kind: str | None = None, pattern: str = "*") -> list[PluginInfo]:
    """Plugins found, optionally of one ``kind`` and matching a glob ``pattern``.

    Imports nothing: summaries are read from the plugins' source, and ``status``
    reflects what is known so far — a plugin never loaded shows "ok" unless it is
    disabled, incompatible, or its entry point names a module or attribute that does
    not exist (see :func:`load_all` for the final word). The pattern matches the
    bare name or ``package:name``.
    """
    _check_kind(kind)
    records = [r for r in _all() if (kind is None or r.info.kind == kind) and _matches(r.info, pattern)]
    for record in records:
        _peek(record)
    return [dataclasses.replace(r.info) for r in records]


def _peek(record: _Record) -> None:
    info = record.info
    if record.peeked or info.loaded or info.status in (DISABLED, INCOMPATIBLE):
        return
    record.peeked = True
    found = _peeking.peek(info.value)
    info.summary = info.summary or found.summary
    if found.problem and info.status == OK:
        info.status, info.reason = BROKEN, found.problem


def _matches(info: PluginInfo, pattern: str) -> bool:
    return fnmatch.fnmatchcase(info.name, pattern) or fnmatch.fnmatchcase(info.qualified_name, pattern)


def list_models(pattern: str = "*") -> list[str]:
    """Sorted names of the models matching a glob, e.g. ``list_models("*gan*")``."""
    return sorted({p.name for p in list_plugins("model", pattern) if p.status != DISABLED})


def _find(kind: str, name: str, within: str | None = None) -> _Record:
    """The one record ``name`` designates (see the module doc for the rules), or a clear error."""
    _check_kind(kind)
    records = [r for r in _all() if r.info.kind == kind]
    package, sep, bare = name.rpartition(":")
    if sep:
        matches = [r for r in records if r.info.name == bare and _same_package(r.info.package, package)]
    else:
        matches = [r for r in records if r.info.name == name]
    if not matches:
        raise UnknownNameError(_unknown_message(kind, name, records))
    if len(matches) == 1:
        return matches[0]
    own = [r for r in matches if within is not None and _same_package(r.info.package, within)]
    builtin = [r for r in matches if r.info.builtin]
    usable = [r for r in matches if r.info.status not in (DISABLED, INCOMPATIBLE)]
    chosen = own or builtin or (usable if len(usable) == 1 else [])
    if chosen:
        return chosen[0]
    if not usable:
        return matches[0]  # all refused: using it explains why
    choices = ", ".join(f"'{r.info.qualified_name}'" for r in usable)
    raise PluginError(
        f"{kind} name '{name}' is ambiguous: {len(usable)} packages provide it; use one of {choices}, "
        f"or switch one package off with {discovery.DISABLE_ENV}={usable[-1].info.package}"
    )


def _same_package(a: str, b: str) -> bool:
    return discovery.normalize(a) == discovery.normalize(b)


def resolve(kind: str, name: str, *, within: str | None = None) -> str:
    """The qualified name ``package:name`` that ``name`` designates; ``within``: the
    distribution whose entries a bare name prefers (a recipe's own package)."""
    return _find(kind, name, within).info.qualified_name


def _unknown_message(kind: str, name: str, records: list[_Record]) -> str:
    qualified = ":" in name
    names = sorted({r.info.qualified_name if qualified else r.info.name for r in records})
    hint = _did_you_mean(name, names)
    if hint:
        return f"unknown {kind} '{name}'; {hint}"
    bare = sorted({r.info.name for r in records})
    known = ", ".join(bare) if bare else "none installed"
    return f"unknown {kind} '{name}'; known {kind}s: {known} (see `ganzoo list --kind {kind}`)"


def _did_you_mean(name: str, names: list[str]) -> str:
    """"did you mean 'x'?" with the closest names (those nearly as close as the best), or ""."""
    scored = sorted(((difflib.SequenceMatcher(None, name, n).ratio(), n) for n in names), reverse=True)
    close = [n for score, n in scored if score >= 0.6 and score >= scored[0][0] - 0.1][:3]
    return ("did you mean " + " or ".join(f"'{c}'" for c in close) + "?") if close else ""


def _load(record: _Record) -> Any:
    """Load once; remember the object or the failure."""
    info = record.info
    if info.status in (DISABLED, INCOMPATIBLE):
        return None
    if record.obj is None and record.failure is None:
        try:
            record.obj = loading.load(info.kind, info.value)
        except loading.LoadFailure as failure:
            record.failure = failure
            info.status, info.reason = BROKEN, failure.reason
        else:
            info.status, info.reason, info.loaded = OK, "", True
            info.summary = loading.metadata_of(info.kind, record.obj)["summary"] or info.summary
    return record.obj


def _unusable(record: _Record) -> PluginError:
    info = record.info
    where = f"{info.kind} '{info.name}' from package '{info.package}' {info.version}".rstrip()
    if info.status == DISABLED:
        return PluginError(f"{where} is disabled by {discovery.DISABLE_ENV}; remove '{info.package}' from it to use it")
    return PluginError(f"{where} is {info.status}: {info.reason}")


def get(kind: str, name: str, *, within: str | None = None) -> Any:
    """The loaded, checked plugin: a component class, or (models) a ``ModelSpec`` copy.

    Raises UnknownNameError for a name nothing provides, PluginError for a plugin
    that is broken, incompatible, disabled, or a bare name two third parties provide.
    ``within`` as for :func:`resolve`.
    """
    record = _find(kind, name, within)
    obj = _load(record)
    if obj is None:
        raise _unusable(record)
    return copy.deepcopy(obj) if kind == "model" else obj


def create(kind: str, name: str, **kwargs: Any) -> Any:
    """``get`` then build: ``cls(**kwargs)`` for components, ``create_model`` for models."""
    if kind == "model":
        return create_model(name, **kwargs)
    return get(kind, name)(**kwargs)


def create_model(name: str, **overrides: Any):
    """A copy of the model recipe ``name`` with ``defaults`` updated by ``overrides``."""
    spec = get("model", name)
    spec.defaults = {**spec.defaults, **overrides}
    return spec


def origin(kind: str, name: str, *, within: str | None = None) -> dict[str, str]:
    """Where ``name`` comes from, for provenance: name, kind, package, version, value."""
    info = _find(kind, name, within).info
    return {"name": info.name, "kind": info.kind, "package": info.package, "version": info.version, "value": info.value}


def describe(kind: str, name: str) -> dict[str, Any]:
    """Everything known about one plugin, loading it if allowed; never raises for a
    broken one (its ``status``, ``reason`` and ``traceback`` say what went wrong)."""
    record = _find(kind, name)
    obj = _load(record)
    result = record.info.to_dict()
    result["qualified_name"] = record.info.qualified_name
    if obj is not None:
        result.update(loading.metadata_of(kind, obj))
    if record.failure is not None:
        result["traceback"] = record.failure.detail
    return result


def load_all(kind: str | None = None) -> list[PluginInfo]:
    """Load every usable plugin (of one kind) so that statuses are final; then list them."""
    _check_kind(kind)
    for record in _all():
        if kind is None or record.info.kind == kind:
            _load(record)
    return list_plugins(kind)


def kinds_of(name: str) -> list[str]:
    """The kinds that have a plugin called ``name`` (bare or ``package:name``).

    Raises UnknownNameError, suggesting close names of any kind, when none has.
    """
    package, sep, bare = name.rpartition(":")
    found = [
        r.info.kind for r in _all()
        if r.info.name == bare
        and (not sep or _same_package(r.info.package, package))
    ]
    if not found:
        names = sorted({r.info.qualified_name if sep else r.info.name for r in _all()})
        raise UnknownNameError(f"unknown plugin '{name}'; {_did_you_mean(name, names) or 'see `ganzoo list`'}")
    return sorted(set(found), key=KINDS.index)


def failure_detail(kind: str, name: str) -> str:
    """The traceback of a broken plugin's load, or "" (for ``--long`` and ``doctor``)."""
    record = _find(kind, name)
    return record.failure.detail if record.failure is not None else ""
