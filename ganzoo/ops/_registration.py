"""Fake (meta) kernels for the compiled ops, and the forward/backward split.

Autograd for both ops is C++ (``csrc/autograd.cpp``, registered for the Autograd dispatch key):
a Python autograd from ``torch.library.register_autograd`` cost several times the kernel at
GAN batch sizes (csrc/README.md has the numbers). The backward calls the registered op
``ganzoo::bce_with_logits_backward``, whose fake kernel is here, so ``torch.compile`` traces
forward and backward alike.

Forward/backward split, chosen by measurement (csrc/README.md has the numbers): by default
the forward kernel also writes d loss / d logits for a unit upstream gradient, from the same
exp(-|x|) as the loss, and the backward is one multiply by the upstream gradient. On the CPU,
for gradients of 32 MiB and more, the backward instead recomputes the gradient with the
upstream gradient folded into the weight: a buffer that large comes fresh from the kernel on
every call (glibc maps such blocks anew), and its page faults cost more than the exponentials
the store saves. ``SAVE_GRADIENT`` overrides the choice (the benchmarks measure both).

Double backward (``create_graph=True``) and gradients for the target go through a
differentiable formula of the same math in ATen ops (in the C++ backward), so they are exact
rather than silently zero.
``weight`` and ``pos_weight`` are not differentiable, as in PyTorch; asking for their gradient
raises.
"""

from __future__ import annotations

import torch

_NONE = 0

SAVE_GRADIENT: bool | None = None  # None: decide per call (save_gradient); True / False: always
_STORE_LIMIT_BYTES = 32 * 2**20  # glibc's largest mmap threshold: bigger blocks fault in anew


def save_gradient(*logits) -> bool:
    """Whether the forward should write the gradient (else the backward recomputes it)."""
    if SAVE_GRADIENT is not None:
        return SAVE_GRADIENT
    first = logits[0]
    if not first.is_cpu:
        return True
    numel = first.numel() if len(logits) == 1 else sum(x.numel() for x in logits)
    return numel * first.element_size() < _STORE_LIMIT_BYTES


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
