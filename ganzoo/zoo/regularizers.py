"""Discriminator regularizers: gradient penalty, R1 and weight clipping.

Plain functions on a discriminator and its inputs; the zoo's objectives switch them
on through their ``gp_weight``, ``r1_gamma``/``r1_every`` and ``clip`` settings.
The trainer hands in detached batches, so the penalties make their own inputs that
require gradients.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


def _input_gradients(discriminator: nn.Module, x: Tensor, labels: Tensor | None) -> Tensor:
    """d(sum of logits)/dx per sample, flattened to ``(n, features)``, kept in the graph.

    In float32 and eagerly under any ``precision`` and ``compile`` setting: fp16's range would
    flush small input gradients to zero, and torch.compile has no double backward."""
    discriminator = getattr(discriminator, "_orig_mod", discriminator)  # the module torch.compile wraps
    x = x.detach().requires_grad_(True)
    with torch.autocast(x.device.type, enabled=False):  # a backward that builds a graph is autocast too
        logits = discriminator(x) if labels is None else discriminator(x, labels)
        (grad,) = torch.autograd.grad(logits.sum(), x, create_graph=True)
    return grad.flatten(1)


def gradient_penalty(discriminator: nn.Module, real: Tensor, fake: Tensor, labels: Tensor | None = None) -> Tensor:
    """WGAN-GP: mean of ``(||grad D(x)|| - 1)^2`` at random points between real and fake
    samples (Gulrajani et al. 2017). Multiply by the weight (10 in the paper)."""
    alpha = torch.rand(len(real), *([1] * (real.dim() - 1)), device=real.device, dtype=real.dtype)
    mixed = alpha * real.detach() + (1 - alpha) * fake.detach()
    return (_input_gradients(discriminator, mixed, labels).norm(dim=1) - 1).square().mean()


def r1_penalty(discriminator: nn.Module, real: Tensor, labels: Tensor | None = None) -> Tensor:
    """R1: mean squared gradient norm of D on real samples (Mescheder et al. 2018).
    Multiply by gamma / 2."""
    return _input_gradients(discriminator, real, labels).square().sum(dim=1).mean()


@torch.no_grad()
def clip_weights(discriminator: nn.Module, clip: float) -> None:
    """Clamp every parameter of the discriminator to ``[-clip, clip]`` (WGAN, Arjovsky et al. 2017)."""
    for p in discriminator.parameters():
        p.clamp_(-clip, clip)
