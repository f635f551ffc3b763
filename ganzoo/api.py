"""The core abstractions every generator, discriminator, objective, recipe and run logger
builds on.

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
    """

    shape: tuple[int, ...]
    bounded: bool
    num_classes: int = 0

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


class Discriminator(nn.Module):
    """Maps samples ``(n, *data.shape)`` to logits: ``(n,)``, or ``(n, patches)`` per patch.

    Returns raw logits (no sigmoid); the objective decides what to do with them.
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
