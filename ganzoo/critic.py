"""A trained discriminator on its own, as a learned realism score.

>>> critic = load_discriminator("runs/dcgan")        # doctest: +SKIP
>>> critic.realism(images)                           # doctest: +SKIP  (n,) in [0, 1]

:func:`load_discriminator` rebuilds the run's discriminator from its ``config.json``, loads the
weights of a checkpoint (safetensors: nothing is unpickled) and returns it, in eval mode,
inside a :class:`Critic`: an ``nn.Module`` that takes samples in *data space* (what ``ganzoo
sample`` writes and ``--data`` reads: images in [0, 1], channels first) and gives the
discriminator's logits, so it plugs into other PyTorch code, as a score or a differentiable
loss term. Higher logits mean "more like the training data" under every zoo objective.

Only a discriminator that judges one sample can score one: the joint games (``ali``,
``veegan``) judge (sample, latent) pairs and the packed game (PacGAN) judges packs of samples;
their runs are refused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from ganzoo.api import Discriminator
from ganzoo.data.base import Dataset
from ganzoo.errors import ConfigError, RunDirError

#: samples scored per forward pass by :meth:`Critic.logits` and :meth:`Critic.realism`
BATCH_SIZE = 1024


class Critic(nn.Module):
    """A run's trained discriminator, scoring samples given in data space.

    ``discriminator``: the :class:`~ganzoo.api.Discriminator` itself (model space: images in
    [-1, 1]); ``shape``: one sample's shape; ``num_classes``: its classes (a conditional
    discriminator needs the samples' labels, else 0); ``step``: the checkpoint's step.
    ``critic(x, labels)`` returns the logits as a tensor with gradients (``(n,)``, or
    ``(n, patches)`` for a per-patch discriminator); :meth:`logits` and :meth:`realism` take
    arrays and return numbers, without gradients.
    """

    def __init__(self, discriminator: Discriminator, dataset: Dataset, step: int, run_dir: Path):
        super().__init__()
        self.discriminator = discriminator.eval()
        self.shape = tuple(dataset.info.shape)
        self.bounded = bool(dataset.info.bounded)
        self.num_classes = int(discriminator.num_classes)
        self.step, self.run_dir = step, run_dir
        # the inverse of the base Dataset.to_data_space; a dataset with its own map has no known inverse
        self._base_mapping = type(dataset).to_data_space is Dataset.to_data_space
        self.eval()

    def to_model_space(self, x: Tensor) -> Tensor:
        """Data-space samples ``(n, *shape)`` as the discriminator saw them in training
        (bounded data: ``2 x - 1``, from [0, 1] to [-1, 1]; points: as they are)."""
        if not self._base_mapping:
            raise ConfigError("this run's dataset maps samples to data space its own way, so the critic cannot "
                              "map them back: pass model-space samples to critic.discriminator")
        if tuple(x.shape[1:]) != self.shape:
            raise ConfigError(f"samples of shape {tuple(x.shape[1:])} given; this discriminator judges samples of "
                              f"shape {self.shape} (a batch is (n, {', '.join(map(str, self.shape))}))")
        return x * 2 - 1 if self.bounded else x

    def _labels(self, labels, n: int, device: torch.device) -> Tensor | None:
        if not self.num_classes:
            return None
        if labels is None:
            raise ConfigError(f"this run's discriminator is conditional: pass the samples' labels "
                              f"(0-{self.num_classes - 1}), one per sample")
        labels = torch.as_tensor(np.asarray(labels), device=device).long().reshape(-1)
        if len(labels) != n or (len(labels) and not (0 <= int(labels.min()) and int(labels.max()) < self.num_classes)):
            raise ConfigError(f"labels must be {n} integers in 0-{self.num_classes - 1}, one per sample")
        return labels

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        device = next(self.discriminator.parameters()).device
        x = torch.as_tensor(x, dtype=torch.float32, device=device)
        return self.discriminator(self.to_model_space(x), self._labels(labels, len(x), device))

    @torch.no_grad()
    def logits(self, x, labels=None, batch_size: int = BATCH_SIZE) -> np.ndarray:
        """The discriminator's logit of each data-space sample, ``(n,)`` float64 (a per-patch
        discriminator's logits averaged over its patches). ``x``: an array or tensor
        ``(n, *shape)``; ``labels``: ``(n,)`` integers, for a conditional discriminator."""
        x = torch.as_tensor(np.asarray(x), dtype=torch.float32)
        labels = None if labels is None else np.asarray(labels)
        out = [self(x[i:i + batch_size], None if labels is None else labels[i:i + batch_size])
               for i in range(0, len(x), batch_size)]
        if not out:
            return np.zeros((0,))
        logits = torch.cat([o.reshape(len(o), -1).float().mean(1) for o in out])
        return logits.double().cpu().numpy()

    def realism(self, x, labels=None, batch_size: int = BATCH_SIZE) -> np.ndarray:
        """``sigmoid(logits(x))``, ``(n,)`` in [0, 1]: the probability that a sample is real for
        the BCE objectives (vanilla, non-saturating); for the others (Wasserstein, hinge,
        least squares) a monotone squashing of the score: rank by it, do not read it as a probability."""
        return 0.5 * (1 + np.tanh(0.5 * self.logits(x, labels, batch_size)))  # sigmoid, without overflow


def load_discriminator(run_dir: str | Path, checkpoint: str | None = None, device: str = "cpu") -> Critic:
    """The trained discriminator of the run in ``run_dir``, in eval mode, as a :class:`Critic`.

    checkpoint: a step number or checkpoint name (default: the latest).
    device: where the discriminator runs ("cpu", "cuda", "cuda:N").

    Raises :class:`~ganzoo.errors.GanzooError` subclasses for what a user can fix: no run
    there, a damaged checkpoint, or a run whose discriminator does not judge single samples.
    Needs only the run directory: the run's data is not read (it may have moved)."""
    from ganzoo.sampling import load_network, open_run

    parts, tensors, step, sidecar = open_run(run_dir, None if checkpoint is None else str(checkpoint), device)
    _check_judges_samples(parts, Path(run_dir))
    load_network(parts.discriminator, tensors, "discriminator", sidecar, "discriminator")
    return Critic(parts.discriminator, parts.dataset, step, Path(run_dir))


def _check_judges_samples(parts, run_dir: Path) -> None:
    """Refuse a run whose discriminator is built for something other than one sample."""
    info = parts.dataset.info
    judged = parts.game.network_data("discriminator", info)
    if tuple(judged.shape) == tuple(info.shape):
        return
    game = parts.origins.get("game", {}).get("name") or type(parts.game).__name__
    from ganzoo.zoo.joint import JointGame
    from ganzoo.zoo.packing import Packed

    if isinstance(parts.game, JointGame):
        what = f"(sample, latent) pairs of {info.numel} + {parts.game.latent_dim} numbers"
    elif isinstance(parts.game, Packed):
        what = f"packs of {parts.game.pack} samples"
    else:
        what = f"inputs of shape {tuple(judged.shape)}"
    raise RunDirError(f"the run {run_dir} plays game '{game}', whose discriminator judges {what}, not one sample of "
                      f"shape {tuple(info.shape)}: it gives no realism score for a sample alone. Load a run whose "
                      "discriminator judges samples (e.g. dcgan, cgan, wgan-gp)")
