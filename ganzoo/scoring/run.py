"""A trained run as the anomaly scorers see it: every network by role, loaded and frozen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor, nn

from ganzoo.api import Game, Translator
from ganzoo.data.base import Dataset
from ganzoo.errors import ConfigError, GanzooError


@dataclass
class ScoringRun:
    """What a :class:`ganzoo.api.Scorer` gets of a run (see its docstring)."""

    path: Path | None
    #: role -> network, in eval mode with gradients off, on ``device``
    networks: dict[str, nn.Module]
    #: role -> kind (``generator``, ``discriminator``, ``encoder``, ...)
    roles: dict[str, str]
    game: Game
    dataset: Dataset
    latent_dim: int
    device: torch.device
    step: int = 0

    @property
    def encoder_role(self) -> str | None:
        """The role of the run's network from samples to latents (ALI's ``encoder``, VEEGAN's
        ``reconstructor``), or None when its game has none."""
        return next((role for role, kind in self.roles.items() if kind == "encoder"), None)

    def encode(self, x: Tensor) -> Tensor:
        """The latents the run's encoder gives ``x``, ``(n, latent_dim)``."""
        role = self.encoder_role
        if role is None:
            raise self.no_encoder()
        return self.networks[role](x)

    def no_encoder(self) -> GanzooError:
        """The error for a scorer that needs an encoder this run does not have."""
        game = type(self.game).__name__
        return GanzooError(f"{self._name()} has no encoder: its game ({game}) trains {', '.join(self.roles)}. "
                           "The encoder scorer needs a run of a game with one (ali, veegan), e.g. "
                           "`ganzoo train ali-mlp`; or score this run with --scorer anogan or discriminator")

    @property
    def judges_pairs(self) -> bool:
        """Whether the discriminator judges (sample, latent) pairs (ALI/BiGAN, VEEGAN)."""
        info = self.dataset.info
        return tuple(self.game.network_data("discriminator", info).shape) == (info.numel + self.latent_dim,)

    def discriminator_problem(self) -> str:
        """Why the discriminator cannot judge this run's samples one at a time, or ""."""
        info = self.dataset.info
        judged = tuple(self.game.network_data("discriminator", info).shape)
        if judged == tuple(info.shape) or (self.judges_pairs and self.encoder_role is not None):
            return ""
        return (f"the discriminator of {self._name()} judges inputs of shape {judged}, not one sample of shape "
                f"{tuple(info.shape)} (a packed game?), so it gives no score for a sample alone")

    def discriminator_input(self, x: Tensor, z: Tensor | None = None) -> Tensor:
        """What the discriminator takes for samples ``x``: ``x`` itself, or for a discriminator of
        (sample, latent) pairs the flattened ``x`` beside ``z`` (default: the encoder's ``E(x)``)."""
        problem = self.discriminator_problem()
        if problem:
            raise GanzooError(problem)
        if not self.judges_pairs:
            return x
        return torch.cat([x.flatten(1), self.encode(x) if z is None else z], dim=1)

    def _name(self) -> str:
        return f"the run {self.path}" if self.path is not None else "this run"


def load_scoring_run(path: str | Path, checkpoint: str | None = None, device: str = "cpu") -> ScoringRun:
    """The run in ``path`` at ``checkpoint`` (a step; default: the latest) with every network
    the checkpoint holds. The generator has its EMA weights where the run keeps them (what
    ``ganzoo sample`` draws from). Needs only the run directory, not the run's data.
    A conditional run is refused: its networks need each sample's label, which an anomaly
    detector does not know."""
    from ganzoo.sampling import load_network, open_run

    parts, tensors, step, sidecar = open_run(path, checkpoint, device)
    if isinstance(parts.generator, Translator):
        raise ConfigError(f"the run {path} is a {parts.spec.name} run, whose generator translates images: its scorers "
                          "need a generator of noise; score with a run of a GAN trained on the normal data")
    if parts.generator.num_classes or parts.discriminator.num_classes:
        raise ConfigError(f"the run {path} is conditional (trained with conditional=true): its networks need each "
                          "sample's label, which anomaly scoring does not know; train it without conditional=true")
    roles = {"generator": "generator", "discriminator": "discriminator", **dict(parts.game.roles)}
    for role, network in parts.networks.items():
        prefix = "ema" if role == "generator" and any(k.startswith("ema.") for k in tensors) else role
        load_network(network, tensors, prefix, sidecar, role)
        network.eval().requires_grad_(False)
    return ScoringRun(Path(path), dict(parts.networks), roles, parts.game, parts.dataset,
                      int(parts.generator.latent_dim), next(parts.generator.parameters()).device, step)
