"""The baseline of the train suite: a GAN step written by hand in plain PyTorch.

It does the work of ``Trainer.train_step`` for a non-saturating BCE game and nothing
more: the same networks (built by ``ganzoo.train.build`` from the same configuration, so
the same classes and initial weights), the same batch and latent draws, Adam with the
same settings, and the loss as a user writes it, ``F.binary_cross_entropy_with_logits``
with ``ones_like`` / ``zeros_like`` labels. Like the trainer, it draws ``fake = G(z)``
once per generator step (with grad on the last critic step), shows D ``fake.detach()``,
then reuses ``fake`` for G's loss.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


class PlainLoop:
    def __init__(self, parts, config, device: torch.device):
        self.G, self.D, self.dataset = parts.generator, parts.discriminator, parts.dataset
        self.batch_size, self.d_steps, self.device = config.batch_size, config.d_steps, device
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=config.lr, betas=config.betas)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=config.d_lr or config.lr, betas=config.betas)
        self.data_rng = torch.Generator().manual_seed(config.seed + 1)
        self.latent_rng = torch.Generator().manual_seed(config.seed + 2)

    def step(self) -> None:
        G, D, n = self.G, self.D, self.batch_size
        for k in range(self.d_steps):
            real = self.dataset.sample(n, self.data_rng)[0].to(self.device)
            z = torch.randn(n, G.latent_dim, generator=self.latent_rng).to(self.device)
            with torch.set_grad_enabled(k == self.d_steps - 1):
                fake = G(z)
            real_logits, fake_logits = D(real), D(fake.detach())
            d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                      + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
            self.opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            self.opt_d.step()
        fake_logits = D(fake)
        g_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        self.opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        self.opt_g.step()
