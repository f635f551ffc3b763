"""Autograd and fake (meta) kernels for the compiled ops, registered from Python.

Forward/backward split, chosen by measurement (csrc/README.md has the numbers): by default
the forward kernel also writes d loss / d logits for a unit upstream gradient, from the same
exp(-|x|) as the loss, and the backward is one multiply by the upstream gradient. On the CPU,
for gradients of 32 MiB and more, the backward instead recomputes the gradient with the
upstream gradient folded into the weight: a buffer that large comes fresh from the kernel on
every call (glibc maps such blocks anew), and its page faults cost more than the exponentials
the store saves. ``SAVE_GRADIENT`` overrides the choice (the benchmarks measure both).

Double backward (``create_graph=True``) and gradients for the target go through the
differentiable PyTorch formula below, so they are exact rather than silently zero.
``weight`` and ``pos_weight`` are not differentiable, as in PyTorch; asking for their gradient
raises.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

_NONE, _MEAN, _SUM = 0, 1, 2

SAVE_GRADIENT: bool | None = None  # None: decide per call (save_gradient); True / False: always
_STORE_LIMIT_BYTES = 32 * 2**20  # glibc's largest mmap threshold: bigger blocks fault in anew


def save_gradient(*logits) -> bool:
    """Whether the forward should write the gradient (else the backward recomputes it)."""
    if SAVE_GRADIENT is not None:
        return SAVE_GRADIENT
    if logits[0].device.type != "cpu":
        return True
    return sum(x.numel() for x in logits) * logits[0].element_size() < _STORE_LIMIT_BYTES


def _bce_grads(grad_out, logits, target, weight, pos_weight, reduction, need_logits, need_target):
    """d loss / d logits and d loss / d target with PyTorch ops (differentiable themselves)."""
    scale = grad_out / logits.numel() if reduction == _MEAN else grad_out
    if weight is not None:
        scale = scale * weight
    grad_logits = grad_target = None
    if need_logits:
        sig = torch.sigmoid(logits)
        if pos_weight is None:
            grad_logits = (sig - target) * scale
        else:
            pt = pos_weight * target
            grad_logits = ((pt + 1 - target) * sig - pt) * scale
    if need_target:
        if pos_weight is None:
            grad_target = -logits * scale
        else:
            grad_target = (F.logsigmoid(-logits) - pos_weight * F.logsigmoid(logits)) * scale
    return grad_logits, grad_target


def _reject_weight_grads(needs, op):
    for name, needed in needs:
        if needed:
            raise RuntimeError(
                f"{op}: {name} requires grad, but the loss is not differentiable with respect to "
                f"{name} (as in torch.nn.functional.binary_cross_entropy_with_logits); detach it"
            )


def _bce_setup(ctx, inputs, output):
    logits, target, target_value, weight, pos_weight, reduction, with_grad = inputs
    ctx.target_value = target_value
    ctx.reduction = reduction
    ctx.save_for_backward(logits, target, weight, pos_weight, output[1] if with_grad else None)


def _bce_backward(ctx, grad_loss, _grad_of_grad):
    need_logits, need_target = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
    _reject_weight_grads(
        (("weight", ctx.needs_input_grad[3]), ("pos_weight", ctx.needs_input_grad[4])),
        "ganzoo.ops.bce_with_logits",
    )
    logits, target, weight, pos_weight, saved = ctx.saved_tensors
    grad_logits = grad_target = None
    if need_logits and not torch.is_grad_enabled():
        if saved is not None:
            grad_logits = saved * grad_loss
        else:
            grad_logits = _recompute_grad(
                grad_loss, logits, target, ctx.target_value, weight, pos_weight, ctx.reduction
            )
        need_logits = False
    if need_logits or need_target:
        t = target if target is not None else ctx.target_value
        gl, grad_target = _bce_grads(
            grad_loss, logits, t, weight, pos_weight, ctx.reduction, need_logits, need_target
        )
        grad_logits = gl if need_logits else grad_logits
    return grad_logits, grad_target, None, None, None, None, None


def _recompute_grad(grad_loss, logits, target, target_value, weight, pos_weight, reduction):
    """The compiled op again, the upstream gradient folded into its weight."""
    folded = grad_loss if weight is None else weight * grad_loss
    code = _SUM if reduction == _NONE else reduction  # "sum": no per-element loss is written
    op = torch.ops.ganzoo.bce_with_logits
    return op(logits, target, target_value, folded, pos_weight, code, True)[1]


def _pair_setup(ctx, inputs, output):
    real, fake, real_target, fake_target, with_grad = inputs
    ctx.targets = (real_target, fake_target)
    saved = (output[1], output[2]) if with_grad else (None, None)
    ctx.save_for_backward(real, fake, *saved)


def _pair_backward(ctx, grad_loss, _grad_real, _grad_fake):
    real, fake, saved_real, saved_fake = ctx.saved_tensors
    grads = []
    for i, (logits, saved, target) in enumerate(zip((real, fake), (saved_real, saved_fake), ctx.targets)):
        if not ctx.needs_input_grad[i]:
            grads.append(None)
        elif not torch.is_grad_enabled():
            if saved is not None:
                grads.append(saved * grad_loss)
            else:
                grads.append(_recompute_grad(grad_loss, logits, None, target, None, None, _MEAN))
        else:
            grads.append(_bce_grads(grad_loss, logits, target, None, None, _MEAN, True, False)[0])
    return grads[0], grads[1], None, None, None


def _bce_fake(logits, target, target_value, weight, pos_weight, reduction, with_grad):
    loss = logits.new_empty(logits.shape if reduction == _NONE else ())
    grad = logits.new_empty(logits.shape if with_grad else (0,))
    return loss, grad


def _pair_fake(real_logits, fake_logits, real_target, fake_target, with_grad):
    loss = real_logits.new_empty(())
    if not with_grad:
        return loss, real_logits.new_empty((0,)), fake_logits.new_empty((0,))
    return loss, real_logits.new_empty(real_logits.shape), fake_logits.new_empty(fake_logits.shape)


def register() -> None:
    """Called once, right after ``ganzoo._C`` has defined the ops."""
    torch.library.register_fake("ganzoo::bce_with_logits", _bce_fake)
    torch.library.register_fake("ganzoo::gan_pair_bce", _pair_fake)
    torch.library.register_autograd("ganzoo::bce_with_logits", _bce_backward, setup_context=_bce_setup)
    torch.library.register_autograd("ganzoo::gan_pair_bce", _pair_backward, setup_context=_pair_setup)
