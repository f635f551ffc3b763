"""The zoo's training games (entry-point group ``ganzoo.games``).

``alternating`` is the classic GAN step every recipe used before games were plugins:
``d_steps`` discriminator updates, then one generator update that reuses the last fake
batch. The other games of the zoo build on the same pieces.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ganzoo.api import Game


def mean_probabilities(real_logits: Tensor, fake_logits: Tensor) -> dict[str, Tensor]:
    """``d_real`` and ``d_fake``: the mean of sigmoid(logit) D gives real and fake samples."""
    with torch.no_grad():
        return {"d_real": torch.sigmoid(real_logits.detach().float()).mean(),
                "d_fake": torch.sigmoid(fake_logits.detach().float()).mean()}


class Alternating(Game):
    """d_steps discriminator updates, then one generator update (the classic GAN step)."""

    summary = "d_steps discriminator updates, then one generator update on the last fake batch"

    def step(self, ctx) -> dict[str, Tensor]:
        G, D = ctx.networks["generator"], ctx.networks["discriminator"]
        objective, d_steps = ctx.objective, ctx.config.d_steps
        for k in range(d_steps):
            real, labels = ctx.real()
            z = ctx.latent()
            with ctx.phase("discriminator") as phase:
                # On the last critic step the fake batch keeps its graph, for G's update.
                with torch.set_grad_enabled(k == d_steps - 1):
                    fake = G(z, labels)
                real_logits = D(real, labels)
                fake_logits = D(fake.detach(), labels)
                d_loss = objective.discriminator_loss(real_logits, fake_logits)
                penalty = objective.penalty(D, real, fake.detach(), ctx.step, labels=labels)
                phase.backward(d_loss if penalty is None else d_loss + penalty)
            objective.after_discriminator_step(D)
            if penalty is not None:  # a NaN or infinite penalty makes the logged d_loss NaN: checked like it
                d_loss = d_loss + 0.0 * penalty.detach()

        with ctx.phase("generator") as phase:
            critic = self.generator_critic(ctx)
            fake_logits_g = critic(fake, labels)
            real_logits_g = critic(real, labels).detach() if objective.needs_real_logits else None
            g_loss = objective.generator_loss(fake_logits_g, real_logits_g)
            phase.backward(g_loss)
        return {"d_loss": d_loss.detach(), "g_loss": g_loss.detach(), **mean_probabilities(real_logits, fake_logits)}

    def generator_critic(self, ctx):
        """The discriminator the generator's loss is taken against, called as ``critic(x, labels)``
        inside the generator's phase: here D as its last update left it (the unrolled game looks
        further ahead)."""
        return ctx.networks["discriminator"]
