"""Finding plugins: entry points and distribution metadata only, never an import.

Each entry point in a ``ganzoo.*`` group becomes a :class:`PluginInfo`. Whether a
plugin may be loaded (``disabled``, ``incompatible``) is decided here, from the
environment and the plugin's declared API version, so a plugin that may not be
used is never imported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import metadata

KINDS = ("model", "game", "generator", "discriminator", "encoder", "translator", "objective", "dataset", "logger",
         "scorer")
GROUPS = {kind: f"ganzoo.{kind}s" for kind in KINDS}
_KIND_OF_GROUP = {group: kind for kind, group in GROUPS.items()}

#: group whose entry *name* is the plugin API version a distribution targets, e.g.
#: ``"1.0" = "my_plugin"`` (the value names the plugin's module and is never loaded)
API_GROUP = "ganzoo.plugin_api"
#: the distribution whose plugins are the built-ins (never disabled)
BUILTIN = "ganzoo"

DISABLE_ENV = "GANZOO_DISABLE_PLUGINS"

OK, BROKEN, INCOMPATIBLE, DISABLED = "ok", "broken", "incompatible", "disabled"


@dataclass
class PluginInfo:
    """One entry point, as found (and, once loaded, as checked).

    status: "ok" (nothing known wrong; ``loaded`` says whether it was imported),
    "broken", "incompatible" or "disabled"; ``reason`` says why in one line.
    """

    name: str
    kind: str
    package: str
    version: str
    value: str
    status: str = OK
    reason: str = ""
    #: the plugin API version the package declares, or None (taken as the current one)
    api: str | None = None
    #: one line; from the loaded object, or read from the source without importing it
    summary: str = ""
    loaded: bool = False

    @property
    def qualified_name(self) -> str:
        return f"{self.package}:{self.name}"

    @property
    def builtin(self) -> bool:
        return normalize(self.package) == BUILTIN

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "package": self.package,
            "version": self.version,
            "value": self.value,
            "status": self.status,
            "reason": self.reason,
            "api": self.api,
            "summary": self.summary,
            "loaded": self.loaded,
        }


def normalize(package: str) -> str:
    """A distribution name as PEP 503 compares them: ``Ganzoo_Foo`` == ``ganzoo-foo``."""
    return re.sub(r"[-_.]+", "-", package).lower()


def discover(current_api: str) -> list[PluginInfo]:
    """Every plugin entry point of every installed distribution, in a stable order.

    A distribution found twice on the path (an editable install beside a regular
    one, a directory listed twice) counts once: the first, as for ``import``.
    """
    disabled = disabled_packages()
    found: list[PluginInfo] = []
    seen: set[str] = set()
    for dist in metadata.distributions():
        text = dist.read_text("entry_points.txt") or ""
        if "[ganzoo." not in text:  # cheap filter before parsing any metadata
            continue
        package = dist.metadata["Name"] or ""
        if not package or normalize(package) in seen:
            continue
        seen.add(normalize(package))
        found.extend(_plugins_of(dist, package, current_api, disabled))
    found.sort(key=lambda p: (KINDS.index(p.kind), p.name, normalize(p.package)))
    return found


def _plugins_of(dist, package: str, current_api: str, disabled: set[str]) -> list[PluginInfo]:
    entry_points = dist.entry_points
    declared = [ep.name for ep in entry_points if ep.group == API_GROUP]
    api = declared[0] if declared else None
    status, reason = OK, ""
    if normalize(package) != BUILTIN and ("*" in disabled or normalize(package) in disabled):
        status, reason = DISABLED, f"disabled by {DISABLE_ENV}"
    elif api is not None:
        problem = api_problem(api, current_api)
        if problem:
            status, reason = INCOMPATIBLE, problem
    plugins: dict[tuple[str, str], PluginInfo] = {}
    for ep in entry_points:
        kind = _KIND_OF_GROUP.get(ep.group)
        if kind is None or (kind, ep.name) in plugins:
            continue
        plugins[kind, ep.name] = PluginInfo(
            name=ep.name,
            kind=kind,
            package=package,
            version=dist.version or "",
            value=ep.value,
            status=status,
            reason=reason,
            api=api,
        )
    return list(plugins.values())


def disabled_packages() -> set[str]:
    """Normalized names from ``GANZOO_DISABLE_PLUGINS`` (comma-separated, or ``*``)."""
    raw = os.environ.get(DISABLE_ENV, "")
    return {normalize(p.strip()) if p.strip() != "*" else "*" for p in raw.split(",") if p.strip()}


def api_problem(declared: str, current: str) -> str:
    """Why a plugin targeting API ``declared`` cannot run on ``current``; "" if it can.

    Same major version, and a minor version no newer than ours: compatible.
    """
    try:
        want = _major_minor(declared)
    except ValueError:
        return f"declares plugin API {declared!r}, which is not a version like '1.0'"
    have = _major_minor(current)
    if want[0] != have[0]:
        return f"targets plugin API {declared}; this ganzoo provides {current} (major versions differ)"
    if want[1] > have[1]:
        return f"targets plugin API {declared}; this ganzoo provides only {current} (upgrade ganzoo)"
    return ""


def _major_minor(version: str) -> tuple[int, int]:
    parts = version.strip().split(".")
    if not 1 <= len(parts) <= 2 or not all(p.isdigit() for p in parts):
        raise ValueError(version)
    return int(parts[0]), int(parts[1]) if len(parts) == 2 else 0
