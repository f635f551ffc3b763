"""The contract of the parts that are not networks: objectives, datasets, loggers and scorers."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ganzoo import registry
from ganzoo.api import DataInfo, Discriminator, Objective, RunLogger, Scorer
from ganzoo.data.base import Dataset
from ganzoo.testing._base import IMAGES, POINTS, _name, _require, _require_finite, _require_scalar
from ganzoo.trial import call_problem


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
