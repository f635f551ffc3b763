"""From a model name and settings to a resolved configuration, and from that to live objects."""

from __future__ import annotations

import dataclasses
import platform
from pathlib import Path
from dataclasses import dataclass
from typing import Any

import torch

from ganzoo import registry
from ganzoo._version import __version__
from ganzoo.api import Discriminator, Generator, ModelSpec, Objective
from ganzoo.data import load_dataset, looks_like_path
from ganzoo.data.base import Dataset
from ganzoo.errors import ConfigError
from ganzoo.train.config import TrainConfig, apply_overrides

_KIND = {"generator": "generator", "discriminator": "discriminator", "objective": "objective"}


def _component_names(spec: ModelSpec) -> dict[str, str]:
    return {"generator": spec.generator, "discriminator": spec.discriminator, "objective": spec.objective}


def resolve_config(model: str, overrides: dict[str, Any]) -> TrainConfig:
    """The configuration of a new run of ``model``: trainer defaults, then the recipe's
    defaults, then ``overrides`` (``--set`` and command-line options)."""
    spec: ModelSpec = registry.get("model", model)
    classes = {part: registry.get(_KIND[part], name) for part, name in _component_names(spec).items()}
    config = TrainConfig(
        model=model,
        generator=dict(spec.generator_kwargs),
        discriminator=dict(spec.discriminator_kwargs),
        objective=dict(spec.objective_kwargs),
    )
    config = apply_overrides(config, dict(spec.defaults), classes)
    config = apply_overrides(config, overrides, classes)
    # A user's file is recorded by absolute path, so --resume and `ganzoo sample` find it anywhere.
    if looks_like_path(config.data):
        config.data = str(Path(config.data).resolve())
    if config.data_dir:
        config.data_dir = str(Path(config.data_dir).resolve())
    return config


def apply_threads(threads: int) -> None:
    """Set torch's CPU thread count; 0 leaves torch's default."""
    if threads > 0:
        torch.set_num_threads(threads)


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
    #: where each named component came from (plugin, package, version)
    origins: dict[str, dict[str, Any]]


def build(config: TrainConfig, device: torch.device, *, dataset: Dataset | None = None) -> Components:
    """Load the dataset and construct the networks (initialised from ``config.seed``).

    dataset: the data, already at hand (see :mod:`ganzoo.train.rundata`); else loaded.
    """
    spec: ModelSpec = registry.get("model", config.model)
    if dataset is None:
        dataset = load_dataset(config.data, seed=config.seed, data_dir=config.data_dir, download=config.download)
    info = dataset.info
    if config.conditional and info.num_classes == 0:
        raise ConfigError(f"conditional=true needs labelled data, and {config.data!r} has no labels")
    if not config.conditional:
        info = dataclasses.replace(info, num_classes=0)

    names = _component_names(spec)
    torch.manual_seed(config.seed)
    kwargs = {"data": info, "latent_dim": config.latent_dim, "num_classes": info.num_classes}
    generator = _construct("generator", names["generator"], config.generator, kwargs)
    kwargs.pop("latent_dim")
    discriminator = _construct("discriminator", names["discriminator"], config.discriminator, kwargs)
    objective = _construct("objective", names["objective"], config.objective, {})
    origins = {"model": registry.origin("model", config.model)}
    origins.update({part: registry.origin(_KIND[part], name) for part, name in names.items()})
    return Components(spec, dataset, generator.to(device), discriminator.to(device), objective, origins)


def _construct(part: str, name: str, settings: dict[str, Any], fixed: dict[str, Any]):
    cls = registry.get(_KIND[part], name)
    try:
        return cls(**fixed, **settings)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"cannot build {part} {name!r} with {settings or 'its defaults'}: {err}") from None


def versions() -> dict[str, str]:
    return {"ganzoo": __version__, "torch": torch.__version__, "python": platform.python_version()}


def run_record(config: TrainConfig, components: Components) -> dict[str, Any]:
    """What ``config.json`` holds: the resolved configuration, versions and provenance."""
    info = components.dataset.info
    return {
        "config": config.to_dict(),
        "data_info": {"shape": list(info.shape), "bounded": info.bounded, "num_classes": info.num_classes},
        "components": components.origins,
        "versions": versions(),
    }


def config_from_record(record: dict[str, Any]) -> TrainConfig:
    try:
        return TrainConfig.from_dict(record["config"])
    except (KeyError, TypeError, ConfigError) as err:
        raise ConfigError(f"config.json does not hold a valid configuration ({err})") from None

