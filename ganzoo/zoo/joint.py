"""Games whose discriminator judges (sample, latent) pairs: ALI/BiGAN and VEEGAN.

Both train a third network that maps samples back to latents (a ``ganzoo.encoders`` network:
ALI's encoder E, VEEGAN's reconstructor F) and build the discriminator for a sample and a
latent side by side, ``DataInfo((numel + latent_dim,))`` (the flattened sample first; the
trainer gives the game the run's ``latent_dim``). A real pair is a data sample x with its code
E(x); a fake pair is a generated sample G(z) with its latent z. The discriminator learns to
tell them apart with the run's objective; the two games differ in what the generator's side
minimises.

update: "simultaneous" (default: both sides' gradients are taken at the same point, then both
    step, as ALI's Algorithm 1 and VEEGAN's released code do) or "alternating" (the
    discriminator steps first and the generator's side sees the new discriminator).
``d_steps`` > 1 adds discriminator-only updates, each on fresh batches, before the step's last
update. In a conditional run every network is given the real batch's labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from ganzoo.api import DataInfo, Game
from ganzoo.zoo.arguments import number, whole_number
from ganzoo.zoo.games import mean_probabilities
from ganzoo.zoo.packing import UPDATES
from ganzoo.zoo.recipes import ALI as ALI_PAPER
from ganzoo.zoo.recipes import VEEGAN as VEEGAN_PAPER


def joint(x: Tensor, z: Tensor) -> Tensor:
    """One discriminator input per row: the flattened sample ``x`` (n, ...) then its latent ``z`` (n, k)."""
    return torch.cat([x.flatten(1), z], dim=1)


@dataclass
class PairBatch:
    """One step's batch: the real and fake pairs, and what the generator's side needs besides."""

    real_pairs: Tensor
    fake_pairs: Tensor
    fake: Tensor
    z: Tensor
    labels: Tensor | None


class JointGame(Game):
    """What ALI and VEEGAN share: the pairs, the discriminator's update and the order of updates.
    A subclass names its inverse network's role (``inverse``), gives a real sample its latent
    side (``code``) and the loss the generator and the inverse network minimise together."""

    #: the role of the network that maps samples to latents
    inverse = "encoder"

    def __init__(self, latent_dim: int, update: str = "simultaneous"):
        self.latent_dim = whole_number("latent_dim", latent_dim, 1)
        if update not in UPDATES:
            raise ValueError(f"update must be one of {', '.join(UPDATES)}, got {update!r}")
        self.update = update

    def network_data(self, role: str, data: DataInfo) -> DataInfo:
        if role != "discriminator":
            return data
        return DataInfo((data.numel + self.latent_dim,), bounded=False, num_classes=data.num_classes)

    def code(self, ctx, real: Tensor, labels: Tensor | None) -> Tensor:  # pragma: no cover
        """The latent side of the real pairs, ``(n, latent_dim)``."""
        raise NotImplementedError

    def generator_side_loss(self, ctx, batch: PairBatch) -> tuple[Tensor, dict[str, Tensor]]:  # pragma: no cover
        """The loss the generator and the inverse network minimise, and any more scalars to log."""
        raise NotImplementedError

    def _batch(self, ctx) -> PairBatch:
        real, labels = ctx.real()
        z = ctx.latent()
        fake = ctx.networks["generator"](z, labels)
        return PairBatch(joint(real, self.code(ctx, real, labels)), joint(fake, z), fake, z, labels)

    def _discriminator_update(self, ctx, batch: PairBatch) -> tuple[Tensor, Tensor, Tensor]:
        D, objective = ctx.networks["discriminator"], ctx.objective
        real, fake, labels = batch.real_pairs.detach(), batch.fake_pairs.detach(), batch.labels
        with ctx.phase("discriminator") as phase:
            real_logits, fake_logits = D(real, labels), D(fake, labels)
            d_loss = objective.discriminator_loss(real_logits, fake_logits)
            penalty = objective.penalty(D, real, fake, ctx.step, labels=labels)
            phase.backward(d_loss if penalty is None else d_loss + penalty)
        objective.after_discriminator_step(D)
        if penalty is not None:  # a NaN or infinite penalty makes the logged d_loss NaN: checked like it
            d_loss = d_loss + 0.0 * penalty.detach()
        return d_loss, real_logits, fake_logits

    def _generator_side_update(self, ctx, batch: PairBatch) -> tuple[Tensor, dict[str, Tensor]]:
        with ctx.phase("generator", self.inverse) as phase:
            g_loss, extra = self.generator_side_loss(ctx, batch)
            phase.backward(g_loss)
        return g_loss, extra

    def step(self, ctx) -> dict[str, Tensor]:
        for _ in range(ctx.config.d_steps - 1):
            with torch.no_grad():
                batch = self._batch(ctx)
            self._discriminator_update(ctx, batch)
        batch = self._batch(ctx)
        if self.update == "simultaneous":
            # G's side steps first against D as it is; D then steps on the same, detached, pairs.
            g_loss, extra = self._generator_side_update(ctx, batch)
            d_loss, real_logits, fake_logits = self._discriminator_update(ctx, batch)
        else:
            d_loss, real_logits, fake_logits = self._discriminator_update(ctx, batch)
            g_loss, extra = self._generator_side_update(ctx, batch)
        return {"d_loss": d_loss.detach(), "g_loss": g_loss.detach(),
                **mean_probabilities(real_logits, fake_logits), **extra}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(latent_dim={self.latent_dim}, update={self.update!r})"


class ALI(JointGame):
    """ALI / BiGAN: D tells (x, E(x)) from (G(z), z); G and E, updated together, minimise D's own
    loss with the labels swapped.

    For the binary cross-entropy objectives that swapped loss is
    ``-log D(G(z), z) - log(1 - D(x, E(x)))``: ALI's Algorithm 1 and BiGAN's "inverted labels",
    the non-saturating form of the game. The encoder is deterministic.
    """

    summary = "ALI/BiGAN: D judges (x, E(x)) against (G(z), z); G and E play D's loss with labels swapped"
    paper = ALI_PAPER
    tags = ("encoder", "inference")
    roles = {"generator": "generator", "discriminator": "discriminator", "encoder": "encoder"}
    contract_networks = {"encoder": "ganzoo:mlp"}

    def code(self, ctx, real, labels):
        return ctx.networks["encoder"](real, labels)

    def generator_side_loss(self, ctx, batch):
        D = ctx.networks["discriminator"]
        swapped = ctx.objective.discriminator_loss(D(batch.fake_pairs, batch.labels), D(batch.real_pairs, batch.labels))
        return swapped, {}


class VEEGAN(JointGame):
    """VEEGAN: a reconstructor F maps data to latents; D tells (x, F(x) + noise) from (G(z), z);
    G and F minimise D's estimate of the KL term plus the reconstruction of z.

    The generator's side minimises (Srivastava et al. 2017, eq. 8, and the released code)::

        -mean(D(G(z), z)) + reconstruction_weight * mean(0.5 * ||z - F(G(z))||^2)

    The first term is D's logit on the fake pairs, which D's training makes an estimate of the
    log density ratio of fake to real pairs (D's logit here is high for real pairs, so its
    negative is the paper's D); only G gets its gradient. The second is the Gaussian negative
    log-likelihood of z under N(F(G(z)), I) up to a constant, summed over the latent's
    dimensions; it trains F and G. F learns from nothing else.

    reconstruction_weight: the weight of the reconstruction term (default 1, the paper's).
    reconstructor_std: the real pairs' latents are F(x) plus Gaussian noise of this std, a
        sample of the reconstructor's distribution N(F(x), std^2 I) (the released code's 1);
        0 makes F deterministic.
    """

    summary = "VEEGAN: reconstructor F, D on (x, F(x)) against (G(z), z), G/F minimise D's KL estimate + ||z - F(G(z))||^2"
    paper = VEEGAN_PAPER
    tags = ("encoder", "reconstructor")
    inverse = "reconstructor"
    roles = {"generator": "generator", "discriminator": "discriminator", "reconstructor": "encoder"}
    contract_networks = {"reconstructor": "ganzoo:mlp"}

    def __init__(self, latent_dim: int, update: str = "simultaneous", reconstruction_weight: float = 1.0,
                 reconstructor_std: float = 1.0):
        super().__init__(latent_dim, update)
        self.reconstruction_weight = number("reconstruction_weight", reconstruction_weight, at_least=0)
        self.reconstructor_std = number("reconstructor_std", reconstructor_std, at_least=0)

    def code(self, ctx, real, labels):
        with torch.no_grad():  # F is trained by the reconstruction alone
            code = ctx.networks["reconstructor"](real, labels)
        if self.reconstructor_std == 0:
            return code
        noise = torch.randn(code.shape, generator=ctx.latent_rng).to(code.device)
        return code + self.reconstructor_std * noise

    def generator_side_loss(self, ctx, batch):
        D, F = ctx.networks["discriminator"], ctx.networks["reconstructor"]
        adversarial = -D(batch.fake_pairs, batch.labels).mean()
        reconstruction = 0.5 * (batch.z - F(batch.fake, batch.labels)).square().sum(dim=1).mean()
        return adversarial + self.reconstruction_weight * reconstruction, {"reconstruction": reconstruction.detach()}

    def __repr__(self) -> str:
        return (f"VEEGAN(latent_dim={self.latent_dim}, update={self.update!r}, "
                f"reconstruction_weight={self.reconstruction_weight}, reconstructor_std={self.reconstructor_std})")
