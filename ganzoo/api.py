"""The core abstractions every generator, discriminator, objective, game, recipe and run
logger builds on.

A network is built from the data it models (:class:`DataInfo`), so one architecture
serves 2-D points and images alike. Plugins subclass these bases; the registry
checks that they did.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn


@dataclass(frozen=True)
class DataInfo:
    """What a model needs to know about its data.

    shape: one sample's shape, e.g. ``(2,)`` for points or ``(1, 8, 8)`` for images.
    bounded: samples lie in [-1, 1] (images are scaled so); the generator should end in
        ``tanh``. Unbounded data (ring8, grid25) gets a linear output.
    num_classes: number of labels, 0 when the data has none or the model ignores them.
    domains: for two image domains side by side (image-to-image translation: ``A`` then
        ``B`` along the channels), the channels of each, e.g. ``(1, 1)``; ``()`` otherwise.
    """

    shape: tuple[int, ...]
    bounded: bool
    num_classes: int = 0
    domains: tuple[int, ...] = ()

    def domain(self, index: int) -> DataInfo:
        """The images of domain ``index`` (0: A, 1: B) of two-domain data, unlabelled."""
        if not self.domains:
            raise ValueError(f"data shaped {self.shape} holds one domain, not two side by side")
        return DataInfo((self.domains[index], *self.shape[1:]), self.bounded)

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def is_image(self) -> bool:
        return len(self.shape) == 3


class Generator(nn.Module):
    """Maps latent vectors ``(n, latent_dim)`` to samples ``(n, *data.shape)``.

    Subclasses build their layers in ``__init__`` (after calling ``super().__init__``)
    and implement ``forward(z, labels=None)``.

    Optional hook: a network (generator or any other) that defines ``init_from_data(self, draw)``
    has it called once, without gradients, when a new run starts (not on resume): ``draw(n)``
    returns ``n`` training samples in model space, from a stream of their own, so a
    data-dependent initialisation (e.g. output biases from the pixels' means: ``ganzoo.zoo.mlp``)
    leaves the run's other random streams as they are.
    """

    def __init__(self, data: DataInfo, latent_dim: int = 100, num_classes: int = 0):
        super().__init__()
        self.data = data
        self.latent_dim = int(latent_dim)
        self.num_classes = int(num_classes)

    def sample_latent(
        self, n: int, generator: torch.Generator | None = None, device: torch.device | str | None = None
    ) -> Tensor:
        """``n`` standard-normal latent vectors, shape ``(n, latent_dim)``.

        Draw on the CPU from ``generator`` (so runs are reproducible whatever the
        device), then move to ``device`` (default: this module's device).
        """
        z = torch.randn(n, self.latent_dim, generator=generator)
        if device is None:
            device = next(self.parameters()).device
        return z.to(device)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:  # pragma: no cover
        raise NotImplementedError


class Encoder(nn.Module):
    """Maps samples ``(n, *data.shape)`` to latent vectors ``(n, latent_dim)``: a generator's
    inverse direction (ALI/BiGAN's encoder, VEEGAN's reconstructor). Built like a generator:
    ``__init__(data, latent_dim, num_classes)``, then ``forward(x, labels=None)``."""

    def __init__(self, data: DataInfo, latent_dim: int = 100, num_classes: int = 0):
        super().__init__()
        self.data = data
        self.latent_dim = int(latent_dim)
        self.num_classes = int(num_classes)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:  # pragma: no cover
        raise NotImplementedError


class Translator(nn.Module):
    """Maps images of a source domain ``(n, *source.shape)`` to images of a target domain
    ``(n, *target.shape)``: the generator of an image-to-image game (pix2pix, CycleGAN), which
    is fed images instead of noise. Both domains are images in [-1, 1]; the output should end
    in ``tanh``. Subclasses build their layers in ``__init__(source, target, **settings)``
    (after calling ``super().__init__``) and implement ``forward(x)``.
    """

    #: translators take no labels (the trainer's conditional runs are for generators)
    num_classes = 0

    def __init__(self, source: DataInfo, target: DataInfo):
        super().__init__()
        self.source = source
        self.target = target
        self.data = target

    def forward(self, x: Tensor) -> Tensor:  # pragma: no cover
        raise NotImplementedError


class Discriminator(nn.Module):
    """Maps samples ``(n, *data.shape)`` to logits: ``(n,)``, or ``(n, patches)`` per patch.

    Returns raw logits (no sigmoid); the objective decides what to do with them.

    Optional hook: a network (discriminator or any other) that defines ``after_step(self)``
    has it called, without gradients, after every phase of a game that updated its weights
    (e.g. a max-norm projection: ``ganzoo.zoo.maxout``). Networks without it are unaffected.
    """

    def __init__(self, data: DataInfo, num_classes: int = 0):
        super().__init__()
        self.data = data
        self.num_classes = int(num_classes)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:  # pragma: no cover
        raise NotImplementedError


class Objective:
    """A GAN game: the two players' losses, given the discriminator's logits.

    Losses are scalar tensors to minimise. ``penalty`` is the hook for regularizers
    that need the discriminator and its inputs (gradient penalty, R1; ``labels`` are the
    batch's labels for conditional discriminators, else None); it returns a
    scalar added to the discriminator loss, or ``None``. ``after_discriminator_step``
    runs after each discriminator update (weight clipping).
    """

    #: the generator loss also needs the logits of a real batch (relativistic games)
    needs_real_logits: bool = False

    def discriminator_loss(self, real_logits: Tensor, fake_logits: Tensor) -> Tensor:  # pragma: no cover
        raise NotImplementedError

    def generator_loss(self, fake_logits: Tensor, real_logits: Tensor | None = None) -> Tensor:  # pragma: no cover
        raise NotImplementedError

    def penalty(
        self, discriminator: Discriminator, real: Tensor, fake: Tensor, step: int,
        labels: Tensor | None = None,
    ) -> Tensor | None:
        return None

    def after_discriminator_step(self, discriminator: Discriminator) -> None:
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Game:
    """The training step: which networks a GAN trains, how their parameters are grouped
    into optimizers, and one step of updates in named phases.

    The trainer keeps everything around the step (data and latent streams, EMA, logging,
    checkpoints, signals, devices) and hands ``step`` a context (see
    :class:`ganzoo.train.step.StepContext`) that yields the real batches and latents and
    runs each phase: ``with ctx.phase("discriminator") as phase: phase.backward(loss)``
    zeroes that optimizer's gradients, and on leaving the block steps it. Gradients
    flow only through the phase's own ``backward``, so the same game runs unchanged
    however the trainer wraps the networks.

    roles: role -> kind of network (``generator``, ``discriminator``, ``encoder``, …).
        Every game has a generator (it draws the samples) and a discriminator; a recipe
        names the networks of any further roles in ``ModelSpec.networks``.

    The trainer builds a game from its settings (``ModelSpec.game_kwargs``, ``--set
    game.<arg>``); one whose ``__init__`` takes ``latent_dim`` is also given the run's
    (to build a discriminator for (sample, latent) pairs in ``network_data``).
    """

    roles: dict[str, str] = {"generator": "generator", "discriminator": "discriminator"}

    def network_data(self, role: str, data: DataInfo) -> DataInfo:
        """The data the network of ``role`` is built for (default: the dataset's).
        A game that packs m samples into one discriminator input says so here."""
        return data

    def network_domains(self, role: str, data: DataInfo) -> tuple[DataInfo, DataInfo]:
        """The ``(source, target)`` images the translator of ``role`` maps between, in a game
        on two image domains (``data.domains``; see :class:`Translator`). Default: A to B."""
        return data.domain(0), data.domain(1)

    def state_dict(self) -> dict[str, Tensor]:
        """Tensors the game keeps between steps (CycleGAN's pool of generated images), saved
        in every checkpoint so that a resumed run continues exactly. Default: none. Under
        several processes every process's are saved, so they must have the same names and
        shapes in each (as state that grows by the same batches does)."""
        return {}

    def load_state_dict(self, state: dict[str, Tensor]) -> None:
        """Restore what :meth:`state_dict` returned (empty for checkpoints of games without state)."""

    def preview(self, generator: nn.Module, batch: Tensor, data: DataInfo) -> Tensor:  # pragma: no cover
        """A game whose generator is a :class:`Translator` draws its sample grids here: the
        images to show (model space, ``(n, C, H, W)``) for a fixed ``batch`` of test data."""
        raise NotImplementedError(f"{type(self).__name__} has a translator but no preview()")

    def parameter_groups(self, networks: dict[str, nn.Module]) -> dict[str, Any]:
        """optimizer name -> the parameters it updates (or a list of parameter-group dicts).
        The trainer builds each with the run's optimizer settings; ``discriminator`` gets
        ``d_lr`` where it is set, every other one ``lr``. Default: one per role."""
        return {role: networks[role].parameters() for role in self.roles}

    def step(self, ctx: Any) -> dict[str, Tensor]:  # pragma: no cover
        """One training step. Returns the scalars to log as 0-d tensors: ``d_loss``,
        ``g_loss``, ``d_real`` and ``d_fake`` (mean probabilities D gives real and fake
        samples), and any more the game has; the trainer averages them between logs and
        stops the run when ``d_loss`` or ``g_loss`` is NaN or infinite."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


@dataclass
class ModelSpec:
    """A complete recipe: which components, with which settings and training defaults.

    ``generator``, ``discriminator`` and ``objective`` are registry names (a bare
    name, or ``package:name`` when two packages provide the same one). ``defaults``
    overrides the trainer's defaults (see ``ganzoo.train.config.TrainConfig``), e.g.
    ``{"lr": 2e-4, "betas": (0.5, 0.999), "batch_size": 64, "data": "digits"}``.
    """

    name: str
    generator: str
    discriminator: str
    objective: str
    summary: str = ""
    generator_kwargs: dict[str, Any] = field(default_factory=dict)
    discriminator_kwargs: dict[str, Any] = field(default_factory=dict)
    objective_kwargs: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    #: optional citation: {"title", "authors", "year", "url"}
    paper: dict[str, Any] | None = None
    tags: tuple[str, ...] = ()
    #: the training step (a ``ganzoo.games`` name); the default is the classic alternating step
    game: str = "alternating"
    game_kwargs: dict[str, Any] = field(default_factory=dict)
    #: networks of the roles the game adds to generator and discriminator (e.g.
    #: ``{"encoder": "mlp"}``: a registry name of the kind the game gives the role), and
    #: their settings
    networks: dict[str, str] = field(default_factory=dict)
    network_kwargs: dict[str, dict[str, Any]] = field(default_factory=dict)


class RunLogger:
    """Sends a run's logged rows and sample grids somewhere else: a dashboard, a tracker.

    The trainer builds each logger without arguments (open nothing in ``__init__``: a run
    can still fail to start), then calls ``start`` when training
    starts or resumes, ``log`` with every row it writes to ``metrics.jsonl``, ``image``
    with every sample grid and ``close`` when training stops (also after an error or
    Ctrl-C). A logger that raises is reported once and dropped; the run goes on.
    ``metrics.jsonl`` stays the record of the run.
    """

    @classmethod
    def unavailable(cls) -> str:
        """Why this logger cannot run here, with the fix ("needs wandb: pip install wandb"),
        or "" when it can. Checked before the run starts; keep it cheap (no heavy imports)."""
        return ""

    def start(self, run_dir: Path, config: dict[str, Any], step: int) -> None:
        """``run_dir``: the run directory (write under ``run_dir / <your name>``);
        ``config``: the resolved settings, as in ``config.json``; ``step``: the step training
        continues from (0 for a new run). On resume, drop anything logged after ``step``:
        those steps are trained, and logged, again."""

    def log(self, row: dict[str, Any]) -> None:
        """One row of ``metrics.jsonl``: ``step`` and floats (``d_loss``, ``g_loss``,
        ``d_real``, ``d_fake``, ``lr_g``, ``lr_d``, ``seconds``; more keys may come)."""

    def image(self, step: int, png: bytes) -> None:
        """The sample grid (or 2-D scatter plot) drawn at ``step``, as PNG bytes."""

    def close(self) -> None:
        """Flush and release what ``start`` opened."""


class Scorer:
    """An anomaly score per sample from a trained run (``ganzoo score``; entry-point group
    ``ganzoo.scorers``). Higher means more anomalous.

    ganzoo builds a scorer as ``cls(**settings)`` (``ganzoo score --set <arg>=<value>``), calls
    ``check(run)`` once and then ``score(run, x)`` batch by batch, under ``torch.no_grad()``
    unless the scorer turns gradients on itself (latent inversion does).

    run: the trained run (:class:`ganzoo.scoring.ScoringRun`): ``run.networks``, its networks
        by role (``generator``, ``discriminator`` and those its game adds, e.g. ``encoder``),
        loaded from the checkpoint, in eval mode, on ``run.device``, with gradients off;
        ``run.roles`` (role -> kind), ``run.game``, ``run.dataset`` (the run's data: ``info``,
        ``to_data_space``), ``run.latent_dim``, ``run.step`` and ``run.discriminator_input(x, z)``
        (what the run's discriminator takes for samples ``x``: ``x`` itself, or the pair
        ``(x, E(x))`` when it judges (sample, latent) pairs).
    x: samples in model space, ``(n, *data shape)``, on ``run.device``.
    Returns ``(n,)`` finite floats. A scorer must not change the networks' weights.
    """

    def check(self, run: Any) -> None:
        """Raise :class:`ganzoo.errors.GanzooError`, saying why and what to do, when this scorer
        cannot score ``run`` (e.g. it needs an encoder the run does not have)."""

    def score(self, run: Any, x: Tensor) -> Tensor:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
