"""The contract kit: checks a plugin author runs from their own test suite.

Each ``check_*`` function builds the component on small synthetic inputs and raises
:class:`ContractError` (an ``AssertionError``, so pytest shows it as a failure) with
a message naming what broke the contract. Ganzoo runs the same checks over its own
built-ins. A typical plugin test::

    from ganzoo.testing import check_plugin

    def test_contract():
        check_plugin("my-ganzoo-plugin")
"""

from __future__ import annotations

import contextlib
import tempfile
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from ganzoo import registry
from ganzoo.api import DataInfo, Discriminator, Encoder, Game, Generator, ModelSpec, Objective, RunLogger, Translator, Scorer
from ganzoo.data.base import Dataset
from ganzoo.errors import GanzooError
from ganzoo.plugins.discovery import BUILTIN, normalize
from ganzoo.plugins.loading import first_line
from ganzoo.trial import call_problem

#: 2-D points (unbounded) and small one-channel images in [-1, 1]
POINTS = DataInfo((2,), bounded=False)
IMAGES = DataInfo((1, 8, 8), bounded=True)
DEFAULT_DATA = (POINTS, IMAGES)

__all__ = [
    "ContractError",
    "ContractWarning",
    "POINTS",
    "IMAGES",
    "check_generator",
    "check_discriminator",
    "check_objective",
    "check_dataset",
    "check_logger",
    "check_model",
    "check_game",
    "check_encoder",
    "check_scorer",
    "check_metadata",
    "check_plugin",
]


class ContractError(AssertionError):
    """A plugin does not keep the contract ganzoo relies on."""


class ContractWarning(UserWarning):
    """Not a broken contract, but something the plugin's users will trip over (a name
    another installed package also provides)."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ContractError(message)


def _infos(data: DataInfo | Iterable[DataInfo] | None, cls: Any = None) -> list[DataInfo]:
    """The data to check on: given, else the class's ``contract_data``, else points and images."""
    if data is None:
        data = getattr(cls, "contract_data", None) or DEFAULT_DATA
    return [data] if isinstance(data, DataInfo) else list(data)


def _instances(cls: type, data: Any, build: Callable[[DataInfo], nn.Module]) -> list[tuple[DataInfo, nn.Module]]:
    """``(info, network)`` for each shape to check. With the default shapes a network may
    refuse some with a ValueError (a convolutional one refuses 2-D points), not all."""
    explicit = data is not None or getattr(cls, "contract_data", None) is not None
    built = []
    for info in _infos(data, cls):
        torch.manual_seed(0)
        try:
            built.append((info, build(info)))
        except ValueError as err:
            if explicit:
                raise ContractError(f"{_name(cls)} refused data {info.shape}: {err}") from None
    _require(bool(built), f"{_name(cls)} accepts none of the default data shapes (2-D points, 8x8 images); "
                          "give it a `contract_data` class attribute")
    return built


def _labels(n: int, num_classes: int) -> Tensor | None:
    return torch.arange(n) % num_classes if num_classes else None


def _name(obj: Any) -> str:
    return getattr(obj, "__qualname__", type(obj).__name__)


def _require_finite(x: Tensor, what: str) -> None:
    _require(torch.is_floating_point(x), f"{what} must be a floating-point tensor, got {x.dtype}")
    _require(bool(torch.isfinite(x).all()), f"{what} has NaN or infinite values")


def _require_gradients(module: nn.Module, what: str) -> None:
    grads = [p.grad for p in module.parameters() if p.requires_grad]
    _require(bool(grads), f"{what} has no trainable parameters")
    _require(any(g is not None and bool(g.abs().sum() > 0) for g in grads),
             f"no gradient reaches {what}'s parameters")
    _require(all(g is None or bool(torch.isfinite(g).all()) for g in grads), f"{what} has non-finite gradients")


def check_generator(
    cls: type, data: DataInfo | Iterable[DataInfo] | None = None, *,
    latent_dim: int = 8, num_classes: int = 0, batch: int = 4, **kwargs: Any,
) -> None:
    """A generator maps ``(n, latent_dim)`` latents to ``(n, *data.shape)``, within [-1, 1]
    for bounded data, with gradients reaching its parameters; latents are reproducible.

    data: the shapes to build for; default: the class attribute ``contract_data`` (for
    networks that only fit some shapes, e.g. ``DataInfo((1, 32, 32), True)``), else
    2-D points and 8x8 images, of which a network may refuse some with a ValueError.
    """
    _require(isinstance(cls, type) and issubclass(cls, Generator), f"{_name(cls)} is not a subclass of ganzoo.api.Generator")
    problem = call_problem("generator", cls)
    _require(not problem, problem)
    build = lambda info: cls(info, latent_dim=latent_dim, num_classes=num_classes, **kwargs)  # noqa: E731
    cpu = torch.device("cpu")
    for info, g in _instances(cls, data, build):
        where = f"{_name(cls)} on data {info.shape}"
        z = g.sample_latent(batch, torch.Generator().manual_seed(0), cpu)  # as the trainer calls it
        _require(tuple(z.shape) == (batch, latent_dim), f"{where}: sample_latent gave {tuple(z.shape)}, want {(batch, latent_dim)}")
        again = g.sample_latent(batch, torch.Generator().manual_seed(0), cpu)
        _require(torch.equal(z, again), f"{where}: sample_latent is not reproducible from its torch.Generator")
        x = g(z, _labels(batch, num_classes))
        _require(tuple(x.shape) == (batch, *info.shape), f"{where}: output shape {tuple(x.shape)}, want {(batch, *info.shape)}")
        _require_finite(x, f"{where}: output")
        if info.bounded:
            _require(bool(x.abs().max() <= 1 + 1e-5), f"{where}: bounded data needs outputs in [-1, 1]")
        x.square().mean().backward()
        _require_gradients(g, where)
        g.eval()
        with torch.no_grad():
            single = g(g.sample_latent(1), _labels(1, num_classes))
        _require(tuple(single.shape) == (1, *info.shape), f"{where}: eval mode with one sample gave {tuple(single.shape)}")


def check_discriminator(
    cls: type, data: DataInfo | Iterable[DataInfo] | None = None, *,
    num_classes: int = 0, batch: int = 4, **kwargs: Any,
) -> None:
    """A discriminator returns raw logits ``(n,)`` (or ``(n, patches)``), with gradients
    reaching both its parameters and its input (penalties need the latter). ``data`` as
    for :func:`check_generator`."""
    _require(isinstance(cls, type) and issubclass(cls, Discriminator), f"{_name(cls)} is not a subclass of ganzoo.api.Discriminator")
    for info, d in _instances(cls, data, lambda info: cls(info, num_classes=num_classes, **kwargs)):
        where = f"{_name(cls)} on data {info.shape}"
        x = torch.randn(batch, *info.shape).clamp(-1, 1).requires_grad_(True)
        logits = d(x, _labels(batch, num_classes))
        _require(logits.dim() in (1, 2) and logits.shape[0] == batch,
                 f"{where}: logits shape {tuple(logits.shape)}, want ({batch},) or ({batch}, patches)")
        _require_finite(logits, f"{where}: logits")
        logits.sum().backward()
        _require(x.grad is not None and bool(x.grad.abs().sum() > 0), f"{where}: no gradient reaches the input")
        _require_gradients(d, where)


def check_encoder(
    cls: type, data: DataInfo | Iterable[DataInfo] | None = None, *,
    latent_dim: int = 8, num_classes: int = 0, batch: int = 4, **kwargs: Any,
) -> None:
    """An encoder maps samples ``(n, *data.shape)`` to latents ``(n, latent_dim)``, finite,
    with gradients reaching its parameters and its input. ``data`` as for :func:`check_generator`."""
    _require(isinstance(cls, type) and issubclass(cls, Encoder), f"{_name(cls)} is not a subclass of ganzoo.api.Encoder")
    build = lambda info: cls(info, latent_dim=latent_dim, num_classes=num_classes, **kwargs)  # noqa: E731
    for info, e in _instances(cls, data, build):
        where = f"{_name(cls)} on data {info.shape}"
        x = torch.randn(batch, *info.shape).clamp(-1, 1).requires_grad_(True)
        z = e(x, _labels(batch, num_classes))
        _require(tuple(z.shape) == (batch, latent_dim), f"{where}: output shape {tuple(z.shape)}, want {(batch, latent_dim)}")
        _require_finite(z, f"{where}: output")
        z.square().mean().backward()
        _require(x.grad is not None and bool(x.grad.abs().sum() > 0), f"{where}: no gradient reaches the input")
        _require_gradients(e, where)


#: the two-domain data a translator is checked on without a ``contract_data``: grey 8x8 and colour 32x32
TRANSLATION_DATA = (DataInfo((2, 8, 8), bounded=True, domains=(1, 1)), DataInfo((6, 32, 32), bounded=True, domains=(3, 3)))


def check_translator(cls: type, data: DataInfo | Iterable[DataInfo] | None = None, *, batch: int = 4,
                     **kwargs: Any) -> None:
    """A translator maps source images ``(n, *source.shape)`` to finite target images
    ``(n, *target.shape)``, with gradients reaching its parameters and its input. ``data``: two-domain
    data (``DataInfo.domains``), one or several; default: the class's ``contract_data``, else
    grey 8×8 and colour 32×32 pairs. It is built for domain A to domain B."""
    _require(isinstance(cls, type) and issubclass(cls, Translator),
             f"{_name(cls)} is not a subclass of ganzoo.api.Translator")
    infos = data if data is not None else getattr(cls, "contract_data", None) or TRANSLATION_DATA
    infos = [infos] if isinstance(infos, DataInfo) else list(infos)
    for info in infos:
        _require(len(info.domains) == 2, f"check_translator needs two-domain data (DataInfo.domains); got {info}")
        source, target = info.domain(0), info.domain(1)
        where = f"{_name(cls)} from {source.shape} to {target.shape}"
        torch.manual_seed(0)
        try:
            t = cls(source, target, **kwargs)
        except ValueError as err:
            raise ContractError(f"{where}: refused to build: {err}") from None
        x = torch.rand(batch, *source.shape).mul(2).sub(1).requires_grad_(True)
        y = t(x)
        _require(isinstance(y, Tensor) and tuple(y.shape) == (batch, *target.shape),
                 f"{where}: output {getattr(y, 'shape', type(y).__name__)}, want {(batch, *target.shape)}")
        _require_finite(y, f"{where}: output")
        y.square().mean().backward()
        _require(x.grad is not None and bool(x.grad.abs().sum() > 0), f"{where}: no gradient reaches the input")
        _require_gradients(t, where)


class _TinyDiscriminator(Discriminator):
    """A linear discriminator for exercising objectives' penalty hooks."""

    def __init__(self, data: DataInfo, num_classes: int = 0):
        super().__init__(data, num_classes)
        self.linear = nn.Linear(data.numel, 1)

    def forward(self, x, labels=None):
        return self.linear(x.flatten(1)).squeeze(1)


def check_objective(cls_or_objective: Any, **kwargs: Any) -> None:
    """An objective's losses are finite scalars whose gradients point the right way on
    easy cases: the discriminator wants real logits up and fake ones down, the generator
    wants fake logits up. Penalty and after-step hooks run on a tiny discriminator."""
    objective = cls_or_objective(**kwargs) if isinstance(cls_or_objective, type) else cls_or_objective
    name = type(objective).__qualname__
    _require(isinstance(objective, Objective), f"{name} is not a ganzoo.api.Objective")
    for shape in ((8,), (8, 3)):  # one logit per sample, and per patch
        real = torch.full(shape, -1.0, requires_grad=True)  # the discriminator is fooled
        fake = torch.full(shape, 1.0, requires_grad=True)
        loss = objective.discriminator_loss(real, fake)
        _require_scalar(loss, f"{name}.discriminator_loss on logits {shape}")
        loss.backward()
        _require(real.grad is not None and bool(real.grad.sum() < 0), f"{name}.discriminator_loss must fall as real logits rise")
        _require(fake.grad is not None and bool(fake.grad.sum() > 0), f"{name}.discriminator_loss must rise with fake logits")
        fake = torch.full(shape, -1.0, requires_grad=True)  # the generator is caught
        real = torch.full(shape, 1.0)
        loss = objective.generator_loss(fake, real) if objective.needs_real_logits else objective.generator_loss(fake)
        _require_scalar(loss, f"{name}.generator_loss on logits {shape}")
        loss.backward()
        _require(fake.grad is not None and bool(fake.grad.sum() < 0), f"{name}.generator_loss must fall as fake logits rise")
    d = _TinyDiscriminator(POINTS)
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    problem = call_problem("objective", type(objective))
    _require(not problem, problem)
    penalty = objective.penalty(d, real, fake, 0, labels=None)
    if penalty is not None:
        _require_scalar(penalty, f"{name}.penalty")
        if penalty.requires_grad:
            penalty.backward()
    objective.after_discriminator_step(d)


def _require_scalar(loss: Any, what: str) -> None:
    _require(isinstance(loss, Tensor) and loss.dim() == 0, f"{what} must return a scalar tensor, got {_shape_of(loss)}")
    _require_finite(loss, what)
    _require(loss.requires_grad, f"{what} is not differentiable (did it detach the logits?)")


def _shape_of(x: Any) -> str:
    return f"shape {tuple(x.shape)}" if isinstance(x, Tensor) else type(x).__name__


def check_dataset(cls: type, *, n: int = 16, **kwargs: Any) -> None:
    """A dataset builds from ``seed``/``data_dir``/``download``, samples ``(n, *info.shape)``
    float32 reproducibly (within [-1, 1] if bounded), with valid labels and a test split."""
    _require(isinstance(cls, type) and issubclass(cls, Dataset), f"{_name(cls)} is not a subclass of ganzoo.data.base.Dataset")
    where = _name(cls)
    ds = cls(seed=0, **kwargs)
    info = ds.info
    _require(isinstance(info, DataInfo), f"{where}.info must be a ganzoo.api.DataInfo")
    x, labels = ds.sample(n, torch.Generator().manual_seed(0))
    again, _ = ds.sample(n, torch.Generator().manual_seed(0))
    _require(tuple(x.shape) == (n, *info.shape), f"{where}.sample gave {tuple(x.shape)}, want {(n, *info.shape)}")
    _require(x.dtype == torch.float32, f"{where}.sample must give float32, got {x.dtype}")
    _require_finite(x, f"{where}.sample")
    _require(torch.equal(x, again), f"{where}.sample is not reproducible from its torch.Generator")
    if info.bounded:
        _require(bool(x.abs().max() <= 1 + 1e-5), f"{where}: bounded data must lie in [-1, 1]")
    if labels is not None:
        _require(tuple(labels.shape) == (n,) and not torch.is_floating_point(labels),
                 f"{where}.sample labels must be integers of shape ({n},)")
        if info.num_classes:
            _require(bool((labels >= 0).all() and (labels < info.num_classes).all()),
                     f"{where}: labels outside 0..{info.num_classes - 1}")
    test, _ = ds.test_split()
    _require(tuple(test.shape[1:]) == tuple(info.shape), f"{where}.test_split samples have shape {tuple(test.shape[1:])}")
    _require(tuple(ds.to_data_space(x).shape) == tuple(x.shape), f"{where}.to_data_space changed the shape")
    if ds.modes is not None:
        _require(tuple(ds.modes.shape[1:]) == tuple(info.shape), f"{where}.modes must have shape (k, *info.shape)")
        _require(ds.mode_std is not None and ds.mode_std > 0, f"{where}.mode_std must be positive when modes are given")


def check_logger(cls: type) -> None:
    """A run logger can run here (``unavailable()`` is ""), builds without arguments and
    takes ``start``, a row, a sample grid and ``close`` in a temporary run directory."""
    import tempfile
    from pathlib import Path

    import numpy as np

    from ganzoo import viz
    from ganzoo.train.config import TrainConfig

    _require(isinstance(cls, type) and issubclass(cls, RunLogger), f"{_name(cls)} is not a subclass of ganzoo.api.RunLogger")
    problem = cls.unavailable()
    _require(isinstance(problem, str), f"{_name(cls)}.unavailable() must return a string")
    _require(not problem, f"{_name(cls)} cannot run here, so it cannot be checked: {problem}")
    row = {"step": 1, "d_loss": 1.4, "g_loss": 0.7, "d_real": 0.5, "d_fake": 0.5, "lr_g": 2e-4, "lr_d": 2e-4,
           "seconds": 0.1}
    png = viz.png_bytes(viz.image_grid(np.zeros((4, 1, 8, 8))))
    logger = cls()
    with tempfile.TemporaryDirectory() as run_dir:
        logger.start(Path(run_dir), TrainConfig().to_dict(), 0)
        logger.log(row)
        logger.image(1, png)
        logger.close()


def check_scorer(cls: type, **settings: Any) -> None:
    """An anomaly scorer builds from ``settings`` (default: the class's ``contract_settings``,
    else none) and scores a batch of a small run of MLP networks on 8x8 images (generator,
    discriminator and an encoder): one finite float per sample, shaped ``(n,)``, the same scores
    for the same samples, and the networks' weights untouched."""
    from ganzoo.data.base import TensorDataset
    from ganzoo.scoring import ScoringRun, score_samples

    _require(isinstance(cls, type) and issubclass(cls, Scorer), f"{_name(cls)} is not a subclass of ganzoo.api.Scorer")
    scorer = cls(**(settings or getattr(cls, "contract_settings", {})))
    latent_dim, n = 4, 6
    torch.manual_seed(0)
    kinds = {"generator": "generator", "discriminator": "discriminator", "encoder": "encoder"}
    networks = {}
    for role, kind in kinds.items():
        args = {"data": IMAGES, "hidden": [8]} | ({} if kind == "discriminator" else {"latent_dim": latent_dim})
        networks[role] = registry.get(kind, "ganzoo:mlp")(**args).eval().requires_grad_(False)
    images = torch.rand(2 * n, *IMAGES.shape) * 2 - 1
    data = TensorDataset(images[:n], images[n:], bounded=True)
    run = ScoringRun(None, networks, kinds, registry.get("game", "ganzoo:alternating")(), data, latent_dim,
                     torch.device("cpu"))
    before = {role: {k: v.clone() for k, v in net.state_dict().items()} for role, net in networks.items()}
    first = score_samples(scorer, run, images[:n])
    _require(first.shape == (n,), f"{_name(cls)}: {first.shape} scores for {n} samples")
    again = score_samples(scorer, run, images[:n])
    _require(bool((first == again).all()), f"{_name(cls)}: the same samples got other scores on a second call; "
                                           "seed any randomness the scorer uses")
    for role, net in networks.items():
        changed = [k for k, v in net.state_dict().items() if not torch.equal(v, before[role][k])]
        _require(not changed, f"{_name(cls)} changed the {role}'s weights ({', '.join(changed)})")


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
