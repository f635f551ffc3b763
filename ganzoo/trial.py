"""A trial run of a recipe: a few real training steps in a folder, then the checkpoint
reloaded, samples drawn and scored — what ``ganzoo train``, ``sample`` and ``eval`` do,
in miniature — and, when it fails, an explanation a plugin author can act on. The
contract kit (:func:`ganzoo.testing.check_model`) runs one per recipe, so that it checks
what the trainer really does rather than a copy of it.
"""

from __future__ import annotations

import contextlib
import inspect
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ganzoo import registry
from ganzoo.api import DataInfo, ModelSpec
from ganzoo.errors import GanzooError
from ganzoo.plugins.discovery import BUILTIN, normalize
from ganzoo.plugins.loading import constructor_defaults

#: samples in a synthetic data file, and drawn to evaluate the trial
SYNTHETIC_SIZE = 64
EVAL_SAMPLES = 32
_FILE_CHANNELS = (1, 3, 4)  # what a data file's images may have (ganzoo.data.files)


class TrialError(Exception):
    """A stage of the trial failed: ``stage`` names it, ``__cause__`` is what was raised."""

    def __init__(self, stage: str, cause: BaseException):
        super().__init__(f"{stage}: {cause}")
        self.stage = stage


@dataclass
class Trial:
    """What a trial found."""

    generator_changed: bool
    discriminator_changed: bool
    #: the result of :func:`ganzoo.metrics.evaluate.evaluate` on the reloaded generator
    evaluation: dict[str, Any]


@contextlib.contextmanager
def _stage(name: str) -> Iterator[None]:
    try:
        yield
    except Exception as err:  # noqa: BLE001 - every failure is reported with its stage
        raise TrialError(name, err) from err


def run_trial(model: str | ModelSpec, overrides: dict[str, Any], folder: Path) -> Trial:
    """Train ``model`` (a registry name, or a ModelSpec not registered) with ``overrides``
    into ``folder / "run"``, then sample and evaluate it.

    A registered recipe goes exactly the CLI's way (``start_run``, then ``load_run``
    for sampling). A bare ModelSpec cannot be found again by name, so it is built from
    the spec and sampled from the trainer's own generator.
    """
    from ganzoo.metrics.evaluate import evaluate
    from ganzoo.sampling import load_run

    out = Path(folder) / "run"
    with _stage("building the run"):
        trainer = _start(model, out, overrides)
    parts = trainer.parts
    before = _snapshot(parts.generator), _snapshot(parts.discriminator)
    with _stage(f"training {trainer.config.steps} steps"):
        trainer.fit()
    changed = _changed(before[0], parts.generator), _changed(before[1], parts.discriminator)
    if trainer.translates:
        with _stage("reloading the run and translating"):
            translator = trainer.sampling_generator().eval()
            if isinstance(model, str):
                from ganzoo.translate import load_translator

                translator = load_translator(out).network
            return Trial(changed[0], changed[1], translation_check(translator, trainer.game, parts.dataset))
    with _stage("reloading the run for sampling"):
        if isinstance(model, str):
            generator, dataset, _ = load_run(out)
        else:
            generator, dataset = trainer.sampling_generator().eval(), parts.dataset
    with _stage("sampling and evaluating"):
        evaluation = evaluate(generator, dataset, n=EVAL_SAMPLES, with_classifier=False)
    return Trial(changed[0], changed[1], evaluation)


@torch.no_grad()
def translation_check(translator: nn.Module, game, dataset) -> dict[str, Any]:
    """Translate test images as ``ganzoo translate`` does: the translations must have the target's
    shape and be finite. Returns their mean absolute error to the targets."""
    from ganzoo.zoo.translation_games import source_and_target

    source, target = source_and_target(game, dataset.test_split()[0][:EVAL_SAMPLES], dataset.info)
    translated = translator(source)
    if tuple(translated.shape) != tuple(target.shape) or not bool(torch.isfinite(translated).all()):
        raise ValueError(f"the reloaded translator gave {tuple(translated.shape)} images "
                         f"{'with NaN or infinity' if translated.shape == target.shape else ''} for "
                         f"{tuple(source.shape)} sources; expected finite {tuple(target.shape)}")
    return {"l1": float((translated - target).abs().mean())}


def _start(model: str | ModelSpec, out: Path, overrides: dict[str, Any]):
    from ganzoo.train import start_run

    if isinstance(model, str):
        return start_run(model, out, overrides)
    from ganzoo.train.build import build, resolve_config, run_record, select_device
    from ganzoo.train.loop import Trainer
    from ganzoo.train.rundir import RunDir

    config = resolve_config(model, overrides)
    device = select_device(config.device)
    parts = build(config, device, spec=model)
    return Trainer(RunDir.create(out, run_record(config, parts)), config, parts, device)


def _snapshot(module: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def _changed(before: list[torch.Tensor], module: nn.Module) -> bool:
    return any(not torch.equal(a, b.detach()) for a, b in zip(before, module.parameters()))


def synthetic_data_file(info: DataInfo, num_classes: int, folder: Path) -> str:
    """Write random data of ``info``'s shape (labels ``0..num_classes-1`` when asked) as a
    data file the trainer reads like a user's: unbounded points, or images. Returns its path."""
    rng = np.random.default_rng(0)
    shape = (SYNTHETIC_SIZE, *info.shape)
    if info.is_image:
        if not info.bounded or info.shape[0] not in _FILE_CHANNELS:
            raise ValueError(f"images {info.shape} must be bounded and have 1, 3 or 4 channels")
        x = rng.integers(0, 256, size=shape, dtype=np.uint8)
    elif len(info.shape) == 1:
        if info.bounded:
            raise ValueError("points read from a data file are unbounded; give bounded=False")
        x = rng.standard_normal(shape).astype(np.float32)
    else:
        raise ValueError(f"data of shape {info.shape} is neither points (D,) nor images (C, H, W)")
    path = Path(folder) / "data.npz"
    arrays = {"x": x}
    if num_classes:
        arrays["y"] = np.arange(SYNTHETIC_SIZE) % num_classes
    np.savez(path, **arrays)
    return str(path)


def default_dataset(spec: ModelSpec, model: str | None):
    """The recipe's default dataset, built, when it is registered and loads without
    downloading; else None. ``model``: the recipe's qualified name, if registered."""
    name = spec.defaults.get("data")
    if not isinstance(name, str):
        return None
    try:
        return registry.get("dataset", name, within=model.rpartition(":")[0] if model else None)(seed=0)
    except Exception:  # noqa: BLE001 - a path, a missing download, a broken plugin: use random data
        return None


def small_settings(spec: ModelSpec, names: dict[str, str]) -> dict[str, Any]:
    """``--set`` values that make ganzoo's own networks small; plugins' are left as they are."""
    from ganzoo.train.build import part_kinds

    small: dict[str, Any] = {}
    kinds = part_kinds(names["game"])
    for part in ("generator", "discriminator"):
        if normalize(names[part].rpartition(":")[0]) != BUILTIN:
            continue
        cls = registry.get(kinds[part], names[part])
        defaults = {**constructor_defaults(cls), **getattr(spec, f"{part}_kwargs")}
        if "hidden" in defaults:
            hidden = defaults["hidden"]
            small[f"{part}.hidden"] = 16 if isinstance(hidden, int) else [16] * len(hidden)
        if "width" in defaults:
            small[f"{part}.width"] = 8
    return small


#: how the trainer (ganzoo.train.loop) and the sampler call the methods a plugin may
#: override: part -> method -> (the call, for messages; positional and keyword arguments)
CALLS = {
    "generator": {
        "sample_latent": ("sample_latent(n, generator, device)", (1, None, None), {}),
    },
    "objective": {
        "penalty": ("penalty(discriminator, real, fake, step, labels=labels)", (None, None, None, 0), {"labels": None}),
        "after_discriminator_step": ("after_discriminator_step(discriminator)", (None,), {}),
    },
}


def call_problem(part: str, cls: type) -> str:
    """Why ganzoo cannot call ``cls``'s overridable methods the way it does, or ""."""
    for method, (call, args, kwargs) in CALLS[part].items():
        static = isinstance(inspect.getattr_static(cls, method, None), (staticmethod, classmethod))
        try:
            inspect.signature(getattr(cls, method)).bind(*(() if static else (None,)), *args, **kwargs)
        except TypeError as err:
            return (f"{cls.__qualname__}.{method} cannot be called as ganzoo calls it, {call}: {err}; "
                    "accept those parameters (see ganzoo.api)")
    return ""


def explain(err: BaseException | None, names: dict[str, str]) -> str:
    """One paragraph on a trial's failure: a method that does not fit ganzoo's call, else
    the error and where in the code it was raised."""
    if isinstance(err, GanzooError):
        return str(err)
    if isinstance(err, TypeError):
        for part in CALLS:
            with contextlib.suppress(GanzooError):
                problem = call_problem(part, registry.get(part, names[part]))
                if problem:
                    return problem
    frames = traceback.extract_tb(err.__traceback__) if err is not None else []
    at = f" (raised at {frames[-1].filename}:{frames[-1].lineno}, in {frames[-1].name})" if frames else ""
    return f"{type(err).__name__}: {err}{at}"
