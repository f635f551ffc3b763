"""Every check over every entry point of an installed package, and the metadata each needs."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from ganzoo import registry
from ganzoo.api import DataInfo, ModelSpec
from ganzoo.errors import GanzooError
from ganzoo.plugins.discovery import normalize
from ganzoo.plugins.loading import first_line
from ganzoo.testing._base import ContractWarning, _name, _require
from ganzoo.testing.components import check_dataset, check_logger, check_objective, check_scorer
from ganzoo.testing.models import check_game, check_model
from ganzoo.testing.networks import check_discriminator, check_encoder, check_generator, check_translator


def check_metadata(obj: Any, *, require_paper: bool = False) -> dict[str, Any]:
    """A plugin describes itself: a one-line summary; tags are strings; a paper, when
    given (or required), has title, authors, year and an http(s) url. Returns the metadata."""
    if isinstance(obj, ModelSpec):
        what = f"model {obj.name!r}"
        meta = {"summary": obj.summary, "paper": obj.paper, "tags": obj.tags, "defaults": obj.defaults}
        _require(bool(obj.name), "a ModelSpec needs a name")
        for part in ("generator", "discriminator", "objective"):
            _require(isinstance(getattr(obj, part), str) and getattr(obj, part), f"{what}: {part} must be a registry name")
        _require(isinstance(obj.defaults, dict), f"{what}: defaults must be a dict")
    else:
        what = _name(obj)
        summary = getattr(obj, "summary", "")
        meta = {
            "summary": summary if isinstance(summary, str) and summary.strip() else first_line(obj.__doc__),
            "paper": getattr(obj, "paper", None),
            "tags": getattr(obj, "tags", ()),
        }
    summary = meta["summary"]
    _require(isinstance(summary, str) and summary.strip() != "", f"{what}: needs a summary (a `summary` or a docstring)")
    _require("\n" not in summary.strip(), f"{what}: the summary must be one line")
    tags = meta["tags"]
    _require(isinstance(tags, (tuple, list)) and all(isinstance(t, str) for t in tags), f"{what}: tags must be strings")
    paper = meta["paper"]
    _require(paper is not None or not require_paper, f"{what}: needs a paper citation")
    if paper is not None:
        _require(isinstance(paper, dict), f"{what}: paper must be a dict")
        missing = [k for k in ("title", "authors", "year", "url") if not paper.get(k)]
        _require(not missing, f"{what}: paper is missing {', '.join(missing)}")
        _require(isinstance(paper["year"], int), f"{what}: paper year must be an int")
        _require(str(paper["url"]).startswith(("http://", "https://")), f"{what}: paper url must be http(s)")
    return meta


_CHECKS = {
    "game": check_game,
    "generator": check_generator,
    "discriminator": check_discriminator,
    "encoder": check_encoder,
    "translator": check_translator,
    "objective": check_objective,
    "dataset": check_dataset,
    "model": check_model,
    "logger": check_logger,
    "scorer": check_scorer,
}


def check_plugin(package: str, *, skip: Sequence[str] = (), data: DataInfo | Iterable[DataInfo] | None = None) -> list[str]:
    """Run every check over every entry point of the installed distribution ``package``.

    skip: entry names not to check (e.g. a dataset that needs downloaded files).
    data: the data shapes generators and discriminators are built for (default: each
        class's ``contract_data``, else 2-D points and 8x8 images).
    Raises one ContractError listing every failure; returns the names checked. Warns
    (ContractWarning) about each name another installed package also provides.
    """
    plugins = [p for p in registry.list_plugins() if normalize(p.package) == normalize(package)]
    _require(bool(plugins), f"no ganzoo entry points found for package {package!r}; is it installed?")
    failures, checked = [], []
    for p in plugins:
        if p.name in skip or p.qualified_name in skip:
            continue
        _warn_if_shared(p)
        try:
            obj = registry.get(p.kind, p.qualified_name)
            check_metadata(obj)
            if p.kind == "model":
                _require(obj.name == p.name, f"the ModelSpec is named {obj.name!r}, its entry point {p.name!r}")
                check_model(p.qualified_name)
            elif p.kind == "game":
                check_game(p.qualified_name)
            elif p.kind in ("generator", "discriminator", "encoder"):
                _CHECKS[p.kind](obj, data)
            else:
                _CHECKS[p.kind](obj)
        except Exception as err:  # noqa: BLE001 - report every failure, not just the first
            message = str(err) if isinstance(err, (AssertionError, GanzooError)) else f"{type(err).__name__}: {err}"
            failures.append(f"{p.kind} {p.qualified_name}: {message}")
        else:
            checked.append(p.qualified_name)
    _require(not failures, f"{len(failures)} contract failure(s) in {package}:\n  " + "\n  ".join(failures))
    return checked


def _warn_if_shared(p: registry.PluginInfo) -> None:
    """Warn when another installed package provides an entry of the same kind and name."""
    others = [q for q in registry.list_plugins(p.kind) if q.name == p.name and normalize(q.package) != normalize(p.package)]
    if not others:
        return
    if any(q.builtin for q in others):
        effect = f"ganzoo's own keeps the bare name '{p.name}'"
    else:
        effect = f"the bare name '{p.name}' is ambiguous while both are installed"
    prefix = normalize(p.package).removeprefix("ganzoo-")
    warnings.warn(ContractWarning(
        f"{p.kind} '{p.qualified_name}' shares its name with {', '.join(q.qualified_name for q in others)}: "
        f"{effect}, so users must type '{p.qualified_name}'; a prefixed name (e.g. '{prefix}-{p.name}') avoids it"
    ), stacklevel=3)
