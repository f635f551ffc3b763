"""The contract of recipes and games: they train under ganzoo's own trainer (through
:mod:`ganzoo.trial`), reload, sample and evaluate."""

from __future__ import annotations

import contextlib
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ganzoo import registry
from ganzoo.api import DataInfo, Game, ModelSpec
from ganzoo.errors import GanzooError
from ganzoo.plugins.discovery import BUILTIN, normalize
from ganzoo.testing._base import POINTS, ContractError, ContractWarning, _infos, _name, _require


def check_game(game: str | type, *, networks: dict[str, str] | None = None, **kwargs: Any) -> None:
    """A game trains under ganzoo's own trainer: a recipe of ganzoo's small MLP networks and
    the non-saturating objective, playing ``game`` (a registered name or class), goes
    through :func:`check_model`. Its roles must include the generator and discriminator.

    networks: the networks of the roles the game adds (e.g. ``{"encoder": "ganzoo:mlp"}``);
        default: the game class's ``contract_networks`` attribute.
    kwargs: passed to :func:`check_model` (``settings`` reaches the game as ``game.<arg>``).
    """
    name = game if isinstance(game, str) else _registered_name("game", game)
    cls = registry.get("game", name)
    _require(isinstance(cls, type) and issubclass(cls, Game), f"{_name(cls)} is not a subclass of ganzoo.api.Game")
    roles = getattr(cls, "roles", None)
    _require(isinstance(roles, dict) and roles.get("generator") in ("generator", "translator")
             and roles.get("discriminator") == "discriminator",
             f"{_name(cls)}.roles must map 'generator' (to generator or translator) and 'discriminator' to their "
             f"kinds; got {roles!r}")
    extra = {**getattr(cls, "contract_networks", {}), **(networks or {})}
    translates = roles["generator"] == "translator"
    missing = sorted(set(roles) - ({"discriminator"} if translates else {"generator", "discriminator"}) - set(extra))
    _require(not missing, f"{_name(cls)} adds the roles {missing}: give the networks to check it with as "
                          "`contract_networks = {role: registry name}` on the class, or networks=")
    # a translation game trains on two image domains: the built-in edges of the digits, unless it names its own
    defaults = {"data": getattr(cls, "contract_dataset", "ganzoo:digits-edges")} if translates else {}
    spec = ModelSpec(name=f"contract-{name.replace(':', '-')}", generator=extra.pop("generator", "ganzoo:mlp"),
                     discriminator=extra.pop("discriminator", "ganzoo:mlp"), objective="ganzoo:non-saturating",
                     summary=f"{name} on small networks", game=name, networks=extra, defaults=defaults)
    check_model(spec, **kwargs)


def _registered_name(kind: str, obj: type) -> str:
    """The qualified name under which ``obj`` is registered as a ``kind``."""
    for p in registry.list_plugins(kind):
        with contextlib.suppress(GanzooError):
            if registry.get(kind, p.qualified_name) is obj:
                return p.qualified_name
    raise ContractError(f"{_name(obj)} is not registered as a {kind}: declare it under ganzoo.{kind}s in your "
                        "package's entry points and install the package (pip install -e .)")


def check_model(
    spec_or_name: ModelSpec | str | Callable[[], ModelSpec], *,
    data: DataInfo | None = None, steps: int = 3, batch: int = 8, num_classes: int | None = None,
    settings: dict[str, Any] | None = None,
) -> None:
    """A recipe trains under ganzoo's own trainer: its components resolve and build,
    ``steps`` real training steps (penalty, after-step hook, logging, a sample picture, a
    checkpoint) give finite losses and move both networks, and the run reloads, samples
    and evaluates as ``ganzoo sample`` and ``ganzoo eval`` do. It runs in a temporary
    folder, with ganzoo's own networks made small (``hidden`` 16, ``width`` 8).

    data: what to train on. Default: the recipe's default dataset (``defaults["data"]``)
        when it loads without downloading, else random data of the generator's or
        discriminator's ``contract_data``, else of 2-D points. A DataInfo given means
        random data of that shape (unbounded points, or images in [-1, 1]).
    num_classes: given, the run is conditional (when > 0) on random data of the default
        dataset's shape (or ``data``'s) with that many labels; default: the recipe's own
        data, or 10 labels for a recipe whose defaults say ``conditional``.
    settings: further ``--set`` overrides for the run, e.g. ``{"generator.depth": 2}``.
    """
    from ganzoo.train.build import part_kinds
    from ganzoo.trial import TrialError, default_dataset, explain, run_trial, small_settings, synthetic_data_file

    spec, model = _as_recipe(spec_or_name)
    where = f"model {spec.name!r}"
    try:
        names = _recipe_components(spec, model)
    except GanzooError as err:
        raise ContractError(f"{where}: {err}") from None
    conditional = bool(spec.defaults.get("conditional")) if num_classes is None else num_classes > 0
    labels = (10 if conditional else 0) if num_classes is None else num_classes
    with tempfile.TemporaryDirectory(prefix="ganzoo-contract-") as folder:
        default = default_dataset(spec, model)
        if default is not None and data is None and num_classes is None:
            data_name = spec.defaults["data"]
        else:
            kinds = part_kinds(names["game"])
            declared = [getattr(registry.get(kinds[part], names[part]), "contract_data", None)
                        for part in ("generator", "discriminator")]
            data = data or (default.info if default is not None else _infos(next((d for d in declared if d), POINTS))[0])
            try:
                data_name = synthetic_data_file(data, labels, Path(folder))
            except ValueError as err:
                raise ContractError(f"{where}: cannot train on data {data.shape}: {err}") from None
        overrides = {
            "data": data_name, "steps": steps, "batch_size": batch, "conditional": conditional, "device": "cpu",
            "log_every": 1, "sample_every": max(steps, 1), "checkpoint_every": max(steps, 1),
            **small_settings(spec, names), **(settings or {}),
        }
        try:
            trial = run_trial(model or spec, overrides, Path(folder))
        except TrialError as err:
            raise ContractError(f"{where}: {err.stage} failed: {explain(err.__cause__, names)}") from err
    _require(trial.generator_changed, f"{where}: training did not change the generator")
    _require(trial.discriminator_changed, f"{where}: training did not change the discriminator")


def _as_recipe(spec_or_name: Any) -> tuple[ModelSpec, str | None]:
    """The recipe and its qualified registry name, or None for a spec that is not registered."""
    if isinstance(spec_or_name, str):
        try:
            model = registry.resolve("model", spec_or_name)
            return registry.get("model", model), model
        except GanzooError as err:
            raise ContractError(str(err)) from None
    spec = spec_or_name if isinstance(spec_or_name, ModelSpec) else spec_or_name()
    _require(isinstance(spec, ModelSpec), f"expected a ModelSpec, got {type(spec).__name__}")
    for p in registry.list_plugins("model", spec.name):
        with contextlib.suppress(GanzooError):
            if registry.get("model", p.qualified_name) == spec:
                return spec, p.qualified_name
    return spec, None


def _recipe_components(spec: ModelSpec, model: str | None) -> dict[str, str]:
    """Qualified component names as the trainer resolves them; warns about bare names that
    another package's entry of the same name could make ambiguous."""
    from ganzoo.train.build import part_kinds

    own = model.rpartition(":")[0] if model else None
    game = registry.resolve("game", spec.game, within=own)
    kinds = part_kinds(game)
    names = {part: registry.resolve(kinds[part], getattr(spec, part), within=own)
             for part in ("generator", "discriminator", "objective")}
    names["game"] = game
    if own is None:
        return names
    for part, qualified in names.items():
        package = qualified.rpartition(":")[0]
        if ":" not in getattr(spec, part) and normalize(package) not in (normalize(own), BUILTIN):
            warnings.warn(ContractWarning(
                f"model {spec.name!r} names its {part} {getattr(spec, part)!r}, which comes from {package}; "
                f"write {qualified!r}, or another package's {getattr(spec, part)!r} makes the recipe ambiguous"
            ), stacklevel=3)
    return names
