"""PacGAN's game (Lin et al. 2018): the discriminator judges packs of ``m`` samples at once.

A pack is ``m`` real samples, or ``m`` generated ones, concatenated along the samples' first
axis: 2-D points make inputs of ``2 m`` numbers, images of ``m C`` channels (PacDCGAN's
packing). A generator that drops modes makes packs a real pack seldom looks like (m samples
from the same few modes), so the discriminator sees mode collapse that single samples hide.
The networks and the objective stay the same; only the discriminator's input is wider.

``batch_size`` counts packs, as in the paper's code: each step the discriminator sees
``batch_size`` real and ``batch_size`` fake packs, and the generator draws ``m * batch_size``
samples, in ``m`` batches of ``batch_size`` (one per place in the pack, each with its own
BatchNorm statistics, as the released code does).
"""

from __future__ import annotations

import dataclasses

import torch
from torch import Tensor

from ganzoo.api import DataInfo, Game
from ganzoo.errors import ConfigError
from ganzoo.zoo.arguments import whole_number
from ganzoo.zoo.games import mean_probabilities

UPDATES = ("simultaneous", "alternating")


def packed_shape(shape: tuple[int, ...], pack: int) -> tuple[int, ...]:
    """The shape of one pack of ``pack`` samples of ``shape``: concatenated along the first axis."""
    return (pack * shape[0], *shape[1:])


def pack_samples(x: Tensor, pack: int) -> Tensor:
    """``(n * pack, *shape)`` samples as ``(n, pack * shape[0], *shape[1:])`` packs: samples
    ``i * pack`` to ``i * pack + pack - 1`` make pack ``i``."""
    if len(x) % pack:
        raise ValueError(f"{len(x)} samples do not make whole packs of {pack}")
    return x.reshape(len(x) // pack, *packed_shape(tuple(x.shape[1:]), pack))


class Packed(Game):
    """PacGAN: the discriminator sees packs of ``pack`` samples (all real, or all generated).

    pack: samples per discriminator input, m (default 2; 1 is the unpacked GAN).
    update: "simultaneous" (default, the paper's code: both networks' gradients are taken at
        the same point, then both step) or "alternating" (the ``alternating`` game's order:
        the discriminator steps first, the generator's update sees the new discriminator).
    ``d_steps`` > 1 adds discriminator-only updates, each on fresh packs, before the step's
    last update. ``batch_size`` is the number of packs. The losses are the objective's, on
    the packs' logits (the non-saturating objective gives the paper's).
    """

    summary = "PacGAN: the discriminator judges packs of m samples (batch_size counts packs)"

    def __init__(self, pack: int = 2, update: str = "simultaneous"):
        self.pack = whole_number("pack", pack, 1)
        if update not in UPDATES:
            raise ValueError(f"update must be one of {', '.join(UPDATES)}, got {update!r}")
        self.update = update

    def network_data(self, role: str, data: DataInfo) -> DataInfo:
        if data.num_classes:
            raise ConfigError("the packed game has no conditional form (a pack holds samples of different "
                              "labels): drop conditional=true, or play --set game=alternating")
        if role != "discriminator" or self.pack == 1:
            return data
        return dataclasses.replace(data, shape=packed_shape(data.shape, self.pack))

    def _real_packs(self, ctx) -> Tensor:
        real, _ = ctx.real(ctx.config.batch_size * self.pack)
        return pack_samples(real, self.pack)

    def _fake_packs(self, ctx) -> Tensor:
        G = ctx.networks["generator"]
        places = [G(ctx.latent()) for _ in range(self.pack)]
        # pack i holds the i-th sample of every place's batch
        return pack_samples(torch.stack(places, dim=1).flatten(0, 1), self.pack)

    def _discriminator_update(self, ctx, real: Tensor, fake: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        D, objective = ctx.networks["discriminator"], ctx.objective
        with ctx.phase("discriminator") as phase:
            real_logits, fake_logits = D(real), D(fake.detach())
            d_loss = objective.discriminator_loss(real_logits, fake_logits)
            penalty = objective.penalty(D, real, fake.detach(), ctx.step)
            phase.backward(d_loss if penalty is None else d_loss + penalty)
        objective.after_discriminator_step(D)
        if penalty is not None:  # a NaN or infinite penalty makes the logged d_loss NaN: checked like it
            d_loss = d_loss + 0.0 * penalty.detach()
        return d_loss, real_logits, fake_logits

    def _generator_update(self, ctx, real: Tensor, fake: Tensor) -> Tensor:
        D, objective = ctx.networks["discriminator"], ctx.objective
        with ctx.phase("generator") as phase:
            fake_logits = D(fake)
            real_logits = D(real).detach() if objective.needs_real_logits else None
            g_loss = objective.generator_loss(fake_logits, real_logits)
            phase.backward(g_loss)
        return g_loss

    def step(self, ctx) -> dict[str, Tensor]:
        for _ in range(ctx.config.d_steps - 1):
            real = self._real_packs(ctx)
            with torch.no_grad():
                fake = self._fake_packs(ctx)
            self._discriminator_update(ctx, real, fake)
        real, fake = self._real_packs(ctx), self._fake_packs(ctx)
        if self.update == "simultaneous":
            # G steps first on the discriminator as it is; D then steps on the same, detached, packs.
            g_loss = self._generator_update(ctx, real, fake)
            d_loss, real_logits, fake_logits = self._discriminator_update(ctx, real, fake)
        else:
            d_loss, real_logits, fake_logits = self._discriminator_update(ctx, real, fake)
            g_loss = self._generator_update(ctx, real, fake)
        return {"d_loss": d_loss.detach(), "g_loss": g_loss.detach(),
                **mean_probabilities(real_logits, fake_logits)}

    def __repr__(self) -> str:
        return f"Packed(pack={self.pack}, update={self.update!r})"
