"""Fake (meta) kernels for the compiled ops, and the forward/backward split.

Autograd for both ops is C++ (``csrc/autograd.cpp``, registered for the Autograd dispatch key):
a Python autograd from ``torch.library.register_autograd`` cost several times the kernel at
GAN batch sizes (csrc/README.md has the numbers). The backward calls the registered op
``ganzoo::bce_with_logits_backward``, whose fake kernel is here, so ``torch.compile`` traces
forward and backward alike.

Forward/backward split, chosen by measurement (csrc/README.md has the numbers): the forward
kernel also writes d loss / d logits for a unit upstream gradient, from the same exp(-|x|) as
the loss, and the first backward takes that buffer over, scaling it in place (not at all for
the usual upstream gradient of exactly 1). Forward+backward thus reads each input once and
writes one gradient. ``SAVE_GRADIENT = False`` makes the backward recompute the gradient
instead (the tests and the benchmarks keep that path measured).

Double backward (``create_graph=True``) and gradients for the target go through a
differentiable formula of the same math in ATen ops (in the C++ backward), so they are exact
rather than silently zero.
``weight`` and ``pos_weight`` are not differentiable, as in PyTorch; asking for their gradient
raises.
"""

from __future__ import annotations

import torch

_NONE = 0

SAVE_GRADIENT = True  # False: the backward recomputes the gradient (tests, benchmarks)


def _bce_fake(logits, target, target_value, weight, pos_weight, reduction, with_grad):
    loss = logits.new_empty(logits.shape if reduction == _NONE else ())
    grad = logits.new_empty(logits.shape if with_grad else (0,))
    return loss, grad


def _pair_fake(real_logits, fake_logits, real_target, fake_target, with_grad):
    loss = real_logits.new_empty(())
    if not with_grad:
        return loss, real_logits.new_empty((0,)), fake_logits.new_empty((0,))
    return loss, real_logits.new_empty(real_logits.shape), fake_logits.new_empty(fake_logits.shape)


def _backward_fake(grad_loss, logits, target, target_value, weight, pos_weight, reduction, saved_grad):
    return logits.new_empty(logits.shape)


def register() -> None:
    """Called once, right after ``ganzoo._C`` has defined the ops (and their C++ autograd)."""
    torch.library.register_fake("ganzoo::bce_with_logits", _bce_fake)
    torch.library.register_fake("ganzoo::gan_pair_bce", _pair_fake)
    torch.library.register_fake("ganzoo::bce_with_logits_backward", _backward_fake)
