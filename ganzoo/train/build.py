"""From a model name and settings to a resolved configuration, and from that to live objects.

Names resolve as :mod:`ganzoo.registry` says: a recipe's component names (and its default
data) within the recipe's own distribution first. A resumed or sampled run passes the
origins recorded in its ``config.json`` (``pinned``), so it builds the same components
whatever was installed since.
"""

from __future__ import annotations

import dataclasses
import inspect
import os
import platform
import time
from pathlib import Path
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from ganzoo import registry
from ganzoo._version import __version__
from ganzoo.api import DataInfo, Discriminator, Game, Generator, ModelSpec, Objective, Translator
from ganzoo.data import load_dataset, looks_like_path
from ganzoo.data.base import Dataset
from ganzoo.data.subset import select_classes
from ganzoo.errors import ConfigError, PluginError, UnknownNameError, out_of_memory_error
from ganzoo.train.config import TrainConfig, apply_overrides
from ganzoo.train.precision import check_supported

PARTS = ("game", "generator", "discriminator", "objective")
#: what the trainer passes to a network's constructor, by kind (besides the role's settings)
_SUPPLIED = {"generator": ("data", "latent_dim", "num_classes"), "discriminator": ("data", "num_classes"),
             "encoder": ("data", "latent_dim", "num_classes"), "translator": ("source", "target")}
#: the kinds a game's generator may be: a generator of noise, or a translator of images
_GENERATOR_KINDS = ("generator", "translator")
#: samples in the batch that checks the networks' output shapes before a run starts
_CHECK_BATCH = 2


def _recipe(model: str | ModelSpec, pinned: dict[str, Any] | None = None) -> tuple[ModelSpec, str | None]:
    """The recipe and its qualified registry name (None for a ModelSpec given directly)."""
    if isinstance(model, ModelSpec):
        return model, None
    name = _pinned_name("model", model, pinned) or registry.resolve("model", model)
    return registry.get("model", name), name


def _package(qualified: str | None) -> str | None:
    return qualified.rpartition(":")[0] if qualified else None


def _pinned_name(part: str, name: str | None, pinned: dict[str, Any] | None) -> str:
    """``package:name`` recorded for ``part`` (when it is the ``name`` asked for), else ""."""
    recorded = (pinned or {}).get(part) or {}
    if not recorded.get("package") or (name is not None and name.rpartition(":")[2] != recorded.get("name")):
        return ""
    qualified = f"{recorded['package']}:{recorded['name']}"
    try:
        return registry.resolve(recorded.get("kind", part), qualified)
    except UnknownNameError:
        package = f"{recorded['package']} {recorded.get('version', '')}".strip()
        raise PluginError(
            f"this run was made with {part} '{qualified}' ({package}), which is not installed here; "
            f"install {package} to resume or sample it"
        ) from None


def _component_names(spec: ModelSpec, model: str | None, pinned: dict[str, Any] | None = None) -> dict[str, str]:
    """Qualified names of the recipe's game, generator, discriminator, objective and of the
    networks of any further roles its game declares."""
    within = _package(model)
    game = _pinned_name("game", None, pinned) or registry.resolve("game", spec.game, within=within)
    roles = _roles(game)
    # the generator's kind is the game's: a generator of noise, or a translator of images
    names = {part: _pinned_name(part, None, pinned)
             or registry.resolve(roles.get(part, part), getattr(spec, part), within=within) for part in PARTS[1:]}
    names["game"] = game
    for role, kind in roles.items():
        if role in names:
            continue
        if role not in spec.networks:
            raise PluginError(f"model '{spec.name}' plays game '{names['game']}', which needs a network (kind "
                              f"{kind}) for the role '{role}'; the recipe names none in ModelSpec.networks")
        names[role] = _pinned_name(role, None, pinned) or registry.resolve(kind, spec.networks[role], within=within)
    return names


def _roles(game: str) -> dict[str, str]:
    """role -> kind of the game ``game`` (qualified name); every game has a generator and a discriminator."""
    roles = dict(registry.get("game", game).roles)
    if roles.get("generator") not in _GENERATOR_KINDS or roles.get("discriminator") != "discriminator":
        raise PluginError(f"game '{game}' must declare the roles generator (of kind generator or translator) and "
                          f"discriminator (of kind discriminator); it declares {roles}")
    unknown = {role: kind for role, kind in roles.items() if kind not in _SUPPLIED}
    if unknown:
        raise PluginError(f"game '{game}' declares roles of kinds ganzoo cannot build: {unknown}; "
                          f"the kinds are {', '.join(_SUPPLIED)}")
    return roles


def part_kinds(game: str) -> dict[str, str]:
    """The registry kind of each part and role of a recipe playing ``game`` (a qualified name):
    the game's roles (its generator a generator or a translator, …), and the game and objective."""
    return {**{part: part for part in PARTS}, **_roles(game)}


def _classes(names: dict[str, str]) -> dict[str, Any]:
    """The loaded class of each part and role (what ``--set part.arg`` is checked against)."""
    kinds = part_kinds(names["game"])
    return {part: registry.get(kinds[part], name) for part, name in names.items()}


def resolve_config(model: str | ModelSpec, overrides: dict[str, Any]) -> TrainConfig:
    """The configuration of a new run of ``model``: trainer defaults, then the recipe's
    defaults, then ``overrides`` (``--set`` and command-line options). ``model`` is a
    registry name, or a ModelSpec not registered (the contract kit checks those)."""
    spec, qualified = _recipe(model)
    classes = _classes(_component_names(spec, qualified))
    config = TrainConfig(
        model=model if isinstance(model, str) else spec.name,
        generator=dict(spec.generator_kwargs),
        discriminator=dict(spec.discriminator_kwargs),
        objective=dict(spec.objective_kwargs),
        game=dict(spec.game_kwargs),
        networks={role: dict(kwargs) for role, kwargs in spec.network_kwargs.items()},
    )
    config = apply_overrides(config, dict(spec.defaults), classes)
    config = apply_overrides(config, overrides, classes)
    # A user's file is recorded by absolute path, so --resume and `ganzoo sample` find it anywhere.
    if looks_like_path(config.data):
        config.data = str(Path(config.data).resolve())
    if config.data_dir:
        config.data_dir = str(Path(config.data_dir).resolve())
    return config


def apply_threads(config: TrainConfig) -> int:
    """Set torch's CPU thread count from ``config.threads``; 0 (the default) picks it here, as the
    cores that are idle now (see :func:`idle_cores`), and writes the choice back into ``config``
    so that config.json records it and a resume uses the same count."""
    if config.threads == 0:
        config.threads = idle_cores()
    torch.set_num_threads(config.threads)
    return config.threads


def idle_cores(interval: float = 0.2) -> int:
    """How many of this process's cores were idle over ``interval`` seconds (Linux /proc/stat),
    at least 1; elsewhere torch's own default.

    Why: torch's OpenMP threads wait for each other at every operation, so one thread per core
    runs a small GAN fastest on a quiet machine, but beside busy processes a thread that shares its
    core stalls the others: measured here, two threads fell to 1-36 % of one thread's speed while
    two other processes were busy (benchmarks/results, threads suite).
    """
    try:
        usable = len(os.sched_getaffinity(0))
        before = _cpu_times()
        time.sleep(interval)
        after = _cpu_times()
    except (AttributeError, OSError, ValueError):
        return torch.get_num_threads()
    total = sum(after) - sum(before)
    idle = (after[3] + after[4]) - (before[3] + before[4])  # idle + iowait
    cores = os.cpu_count() or usable
    free = int(cores * idle / total + 0.25) if total > 0 else usable  # a core 75 % idle counts as free
    return max(1, min(usable, free))


def _cpu_times() -> list[int]:
    with open("/proc/stat") as f:
        return [int(v) for v in f.readline().split()[1:]]


def select_device(name: str) -> torch.device:
    """``auto`` (CUDA if torch sees a device, else the CPU), ``cpu``, ``cuda`` or ``cuda:N``.

    Other kinds torch knows (meta, mps, xla…) are refused: the trainer is tested on these only.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    kind, colon, index = name.partition(":")
    if kind != "cuda" or (colon and not (index.isascii() and index.isdigit())):
        raise ConfigError(f"unknown device {name!r}; use auto, cpu, cuda or cuda:N (N: a CUDA device's index)")
    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if count == 0:
        raise ConfigError(f"--device {name} asked for, but this torch sees no CUDA device; use --device cpu")
    if colon and int(index) >= count:
        raise ConfigError(f"--device {name} asked for, but this torch sees {count} CUDA device(s): "
                          f"use cuda:0 to cuda:{count - 1}")
    return torch.device("cuda", int(index)) if colon else torch.device("cuda")


@dataclass
class Components:
    """The live objects of a run."""

    spec: ModelSpec
    dataset: Dataset
    generator: Generator
    discriminator: Discriminator
    objective: Objective
    #: where each named component (and the dataset, when it is a registered one) came
    #: from: name, kind, package, version, value
    origins: dict[str, dict[str, Any]]
    game: Game
    #: every network by role, generator and discriminator included
    networks: dict[str, nn.Module]


def build(config: TrainConfig, device: torch.device, *, spec: ModelSpec | None = None,
          pinned: dict[str, Any] | None = None, dataset: Dataset | None = None) -> Components:
    """Load the dataset and construct the networks (initialised from ``config.seed``),
    after checking their output shapes on a tiny batch.

    spec: the recipe, when it is not a registered one (else ``config.model`` is looked up).
    pinned: the ``components`` a run's ``config.json`` recorded; they are built again.
    dataset: the data, already at hand (see :mod:`ganzoo.train.rundata`); else loaded.
    """
    check_supported(config.precision, device)
    spec, model = (spec, None) if spec is not None else _recipe(config.model, pinned)
    names = _component_names(spec, model, pinned)
    data, registered = _data_name(config, spec, model, pinned)
    domains = getattr(registry.get("game", names["game"]), "needs_domains", False)
    if dataset is None:
        dataset = load_dataset(data, seed=config.seed, data_dir=config.data_dir, download=config.download,
                               domains=domains)
    if domains and len(dataset.info.domains) != 2:
        raise ConfigError(f"model '{spec.name}' translates images between two domains, and {config.data!r} holds "
                          "one; give two-domain data: --data digits-edges or digits-bold (built in), or a folder "
                          "with trainA/ and trainB/, or one of side-by-side A|B images")
    dataset = select_classes(dataset, config.classes, config.exclude_classes)
    info = dataset.info
    if config.conditional and info.num_classes == 0:
        raise ConfigError(f"conditional=true needs labelled data, and {config.data!r} has no labels")
    if not config.conditional:
        info = dataclasses.replace(info, num_classes=0)

    origins = {"model": registry.origin("model", model) if model else
               {"name": spec.name, "kind": "model", "package": "", "version": "", "value": ""}}
    roles = _roles(names["game"])
    kinds = part_kinds(names["game"])
    origins.update({part: registry.origin(kinds[part], name) for part, name in names.items()})
    if registered:
        origins["dataset"] = registry.origin("dataset", data)
    game = _construct("game", names["game"], config.game, _game_supplied(registry.get("game", names["game"]), config))
    torch.manual_seed(config.seed)
    networks = {}
    # generator first, then discriminator (the order they draw their initial weights), then the rest
    for role in ("generator", "discriminator", *(r for r in roles if r not in ("generator", "discriminator"))):
        kind = roles[role]
        role_info = game.network_data(role, info)
        supplied = {"data": role_info, "latent_dim": config.latent_dim, "num_classes": role_info.num_classes}
        if kind == "translator":
            supplied["source"], supplied["target"] = game.network_domains(role, info)
        settings = getattr(config, role) if role in PARTS else config.networks.get(role, {})
        networks[role] = _construct(role, names[role], settings, {k: supplied[k] for k in _SUPPLIED[kind]},
                                    kind=kind)
    objective = _construct("objective", names["objective"], config.objective, {})
    check_output_shapes(networks["generator"], networks["discriminator"], info, origins,
                        game.network_data("discriminator", info),
                        game.network_domains("generator", info) if roles["generator"] == "translator" else None)
    networks = {role: net.to(device) for role, net in networks.items()}
    return Components(spec, dataset, networks["generator"], networks["discriminator"], objective, origins,
                      game, networks)


#: a network's ``init_from_data`` draws its samples from a stream training never uses
_INIT_DATA_SEED_OFFSET = 104_729


def init_from_data(parts: Components, seed: int) -> None:
    """A new run's data-dependent initialisation: ``init_from_data(draw)`` on every network
    that defines it (see :class:`ganzoo.api.Generator`)."""
    hooks = [net for net in parts.networks.values() if callable(getattr(net, "init_from_data", None))]
    if not hooks:
        return
    rng = torch.Generator().manual_seed(seed + _INIT_DATA_SEED_OFFSET)
    with torch.no_grad():
        for net in hooks:
            net.init_from_data(lambda n: parts.dataset.sample(n, rng)[0])


def _game_supplied(cls: type, config: TrainConfig) -> dict[str, Any]:
    """The run's ``latent_dim``, for a game whose constructor takes one (to build a network for
    (sample, latent) pairs); a user cannot set it as ``game.latent_dim``."""
    try:
        takes = "latent_dim" in inspect.signature(cls).parameters
    except (TypeError, ValueError):  # no signature to read: it takes nothing of ours
        takes = False
    return {"latent_dim": config.latent_dim} if takes else {}


def _data_name(config: TrainConfig, spec: ModelSpec, model: str | None,
               pinned: dict[str, Any] | None) -> tuple[str, bool]:
    """``(qualified registry name, True)`` of the run's data, or ``(config.data, False)``
    for a path or a name nothing registers (:func:`load_dataset` then tries a folder)."""
    if looks_like_path(config.data):
        return config.data, False
    recorded = _pinned_name("dataset", config.data, pinned)
    if recorded:
        return recorded, True
    # The recipe's own default data is one of its names; a name the user typed is not.
    within = _package(model) if config.data == spec.defaults.get("data") else None
    try:
        return registry.resolve("dataset", config.data, within=within), True
    except UnknownNameError:
        return config.data, False


def _construct(part: str, name: str, settings: dict[str, Any], fixed: dict[str, Any], kind: str | None = None):
    cls = registry.get(kind or part, name)
    try:
        return cls(**fixed, **settings)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"cannot build {part} {name!r} with {settings or 'its defaults'}: {err}") from None
    except RuntimeError as err:  # torch refusing a size: the settings' fault, or (none given) the plugin's bug
        if not settings or out_of_memory_error(err, "") is not None:
            raise  # the plugin's bug, or memory: reported as such by the caller
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise ConfigError(f"cannot build {part} {name!r} with {settings}: {first}; if these settings should "
                          "work, tell the plugin's authors") from err


def check_output_shapes(generator: Generator | Translator, discriminator: Discriminator, info: DataInfo,
                        origins: dict[str, dict[str, Any]], discriminator_info: DataInfo | None = None,
                        translation: tuple[DataInfo, DataInfo] | None = None) -> None:
    """Run both networks on a batch of two, in eval mode (no state changes, no global RNG
    draw): the generator must give ``(n, *info.shape)``, the discriminator ``(n,)`` or
    ``(n, patches)``. A wrong shape is a PluginError naming the component and its package,
    found before a run directory exists rather than steps into training.
    ``discriminator_info``: what the game builds the discriminator for, when it is not the
    data itself (it is then shown zeros of that shape). ``translation``: the ``(source, target)``
    images of a translator generator, which is shown zeros of the source's shape."""
    n = _CHECK_BATCH
    labels = torch.arange(n) % info.num_classes if info.num_classes else None
    modes = generator.training, discriminator.training
    generator.eval()
    discriminator.eval()
    try:
        with torch.no_grad():
            if translation is not None:
                x = generator(torch.zeros(n, *translation[0].shape))
                want, given = (n, *translation[1].shape), f"{n} source images shaped {translation[0].shape}"
            else:
                x = generator(generator.sample_latent(n, torch.Generator().manual_seed(0), torch.device("cpu")), labels)
                want, given = (n, *info.shape), f"{n} latents of data shaped {tuple(info.shape)}"
            if not isinstance(x, Tensor) or tuple(x.shape) != want:
                raise _shape_error("generator", origins, f"returned {_shape(x)} for {given}; it must return "
                                   f"{want}")
            if translation is not None or (discriminator_info is not None and discriminator_info != info):
                x = torch.zeros(n, *(discriminator_info or info).shape)
            logits = discriminator(x, labels)
            if not isinstance(logits, Tensor) or logits.dim() not in (1, 2) or logits.shape[0] != n:
                raise _shape_error("discriminator", origins, f"returned {_shape(logits)} for {n} samples; "
                                   f"it must return logits shaped ({n},) or ({n}, patches)")
    finally:
        generator.train(modes[0])
        discriminator.train(modes[1])


def _shape(x: Any) -> str:
    return f"shape {tuple(x.shape)}" if isinstance(x, Tensor) else f"a {type(x).__name__}, not a tensor"


def _shape_error(part: str, origins: dict[str, dict[str, Any]], problem: str) -> PluginError:
    o = origins[part]
    where = f"{o['package']} {o['version']}".strip()
    return PluginError(f"{part} '{o['package']}:{o['name']}' ({where}) {problem}. "
                       f"Report this to the authors of {o['package']}, or choose another model")


def versions() -> dict[str, str]:
    return {"ganzoo": __version__, "torch": torch.__version__, "python": platform.python_version()}


def run_record(config: TrainConfig, components: Components) -> dict[str, Any]:
    """What ``config.json`` holds: the resolved configuration, versions and provenance."""
    info = components.dataset.info
    return {
        "config": config.to_dict(),
        "data_info": {"shape": list(info.shape), "bounded": info.bounded, "num_classes": info.num_classes,
                      **({"domains": list(info.domains)} if info.domains else {}),
                      # which label is which class, for data from class folders
                      **({"classes": list(components.dataset.classes)}
                         if info.num_classes and getattr(components.dataset, "classes", None) else {})},
        "components": components.origins,
        "versions": versions(),
    }


def config_from_record(record: dict[str, Any]) -> TrainConfig:
    try:
        return TrainConfig.from_dict(record["config"])
    except (KeyError, TypeError, ConfigError) as err:
        raise ConfigError(f"config.json does not hold a valid configuration ({err})") from None

