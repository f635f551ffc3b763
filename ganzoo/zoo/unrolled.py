"""Unrolled GAN's game (Metz et al. 2017): the generator's loss is taken against the
discriminator as it will be ``unroll`` updates from now, with gradients through those updates.

Each step first updates the discriminator exactly as the ``alternating`` game does (the same
batches, the same phase). The generator's phase then copies the discriminator's parameters,
takes ``unroll`` more discriminator updates on the copies, each on a fresh real batch and a
fresh fake batch from ``ctx.real()`` and ``ctx.latent()``, written as functions of the
parameters (``torch.func.functional_call``, ``create_graph=True``), and takes the generator's
loss (on the last discriminator update's fake batch, as ``alternating`` does) against the
copies' final parameters. The generator's gradient thus holds the terms of how the
discriminator would react to it. The copies are thrown away: the discriminator itself only
ever takes its ordinary update, and its optimizer's state does not move.

The unrolled updates are the discriminator's own optimizer, continued from its current state
and settings: Adam's moments and step count, SGD's or RMSprop's buffers (Adam is what the
paper and its released code unroll: the copies then predict the discriminator's next updates,
where a plain gradient step at Adam's small learning rate would barely move them).

Departures from the paper, on purpose: the paper counts the discriminator's ordinary update
as the first of its K unrolled steps (also differentiable); here the unrolled steps follow it,
so ``unroll=0`` is the alternating game exactly and ``unroll=k`` looks k + 1 updates ahead
with the first one's dependence on the generator left out. Weight clipping (an objective's
``after_discriminator_step``) applies to the discriminator itself, not to the copies; a
penalty (R1, gradient penalty) is part of every unrolled update. The unrolled updates run in
float32 outside autocast (``precision``): their gradients are never loss-scaled, so half
precision's range would flush them to zero.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn
from torch.func import functional_call

from ganzoo.zoo.arguments import whole_number
from ganzoo.zoo.games import Alternating


def _sqrt(v: Tensor) -> Tensor:
    """sqrt(v) for v >= 0 whose gradient at 0 is 0, not inf (inf times a zero moment is NaN)."""
    positive = v > 0
    return torch.where(positive, torch.where(positive, v, 1.0).sqrt(), 0.0)


def _adam(theta: Tensor, grad: Tensor, state: dict[str, Any], group: dict[str, Any]):
    """One step of torch.optim.Adam (its single-tensor formula), as a function of its inputs."""
    if group["amsgrad"] or group["maximize"] or group.get("decoupled_weight_decay"):
        raise NotImplementedError("the unrolled Adam step has no amsgrad, maximize or decoupled weight decay")
    beta1, beta2 = group["betas"]
    if group["weight_decay"]:
        grad = grad + group["weight_decay"] * theta
    t = float(state.get("step", 0)) + 1
    m = state.get("exp_avg", torch.zeros_like(theta)).lerp(grad, 1 - beta1)
    v = state.get("exp_avg_sq", torch.zeros_like(theta)) * beta2 + (1 - beta2) * grad * grad
    denom = _sqrt(v) / (1 - beta2**t) ** 0.5 + group["eps"]
    theta = theta - (group["lr"] / (1 - beta1**t)) * (m / denom)
    return theta, {"step": t, "exp_avg": m, "exp_avg_sq": v}


def _sgd(theta: Tensor, grad: Tensor, state: dict[str, Any], group: dict[str, Any]):
    """One step of torch.optim.SGD (momentum, dampening, Nesterov, weight decay)."""
    if group["maximize"]:
        raise NotImplementedError("the unrolled SGD step has no maximize")
    if group["weight_decay"]:
        grad = grad + group["weight_decay"] * theta
    momentum, new_state = group["momentum"], {}
    if momentum:
        buf = state.get("momentum_buffer")
        buf = grad if buf is None else buf * momentum + (1 - group["dampening"]) * grad
        grad = grad + momentum * buf if group["nesterov"] else buf
        new_state = {"momentum_buffer": buf}
    return theta - group["lr"] * grad, new_state


def _rmsprop(theta: Tensor, grad: Tensor, state: dict[str, Any], group: dict[str, Any]):
    """One step of torch.optim.RMSprop (not centred)."""
    if group["centered"] or group["maximize"]:
        raise NotImplementedError("the unrolled RMSprop step has no centered or maximize")
    if group["weight_decay"]:
        grad = grad + group["weight_decay"] * theta
    alpha = group["alpha"]
    square_avg = state.get("square_avg", torch.zeros_like(theta)) * alpha + (1 - alpha) * grad * grad
    step = grad / (_sqrt(square_avg) + group["eps"])
    new_state = {"square_avg": square_avg}
    if group["momentum"] > 0:
        step = state.get("momentum_buffer", torch.zeros_like(theta)) * group["momentum"] + step
        new_state["momentum_buffer"] = step
    return theta - group["lr"] * step, new_state


_RULES = {torch.optim.Adam: _adam, torch.optim.SGD: _sgd, torch.optim.RMSprop: _rmsprop}


class FunctionalOptimizer:
    """Steps of ``optimizer`` on copies of ``parameters``, written as functions of the copies (so
    gradients flow through them), from the optimizer's present state and settings. The
    optimizer and its state are only read. Parameters it does not update stay as they are."""

    def __init__(self, optimizer: torch.optim.Optimizer, parameters: list[nn.Parameter]):
        rule = _RULES.get(type(optimizer))
        if rule is None:
            raise TypeError(f"cannot unroll {type(optimizer).__name__}: the unrolled game unrolls Adam, SGD and "
                            "RMSprop, the optimizers ganzoo builds")
        group_of = {id(p): group for group in optimizer.param_groups for p in group["params"]}
        self.rule = rule
        self.groups = [group_of.get(id(p)) for p in parameters]
        # new tensors replace these entries at every step; the optimizer's own are never written
        self.states = [dict(optimizer.state.get(p, {})) for p in parameters]

    def step(self, parameters: list[Tensor], grads: list[Tensor]) -> list[Tensor]:
        updated = []
        for i, (theta, grad, group) in enumerate(zip(parameters, grads, self.groups)):
            if group is not None:
                theta, self.states[i] = self.rule(theta, grad, self.states[i], group)
            updated.append(theta)
        return updated


class UnrolledDiscriminator:
    """A discriminator module run with other parameters and buffers: ``critic(x, labels=None)``."""

    def __init__(self, module: nn.Module, tensors: dict[str, Tensor]):
        self.module = module
        self.tensors = tensors

    def __call__(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        return functional_call(self.module, self.tensors, (x, labels))


class Unrolled(Alternating):
    """Unrolled GAN: the generator's loss is taken against the discriminator after ``unroll``
    more differentiable updates of a copy (Metz et al. 2017).

    unroll: unrolled discriminator updates, k (default 5, the released code's; 0 is the
        alternating game). Each costs a real and a fake batch and a discriminator pass with
        its double backward.
    """

    summary = "Unrolled GAN: G's loss against D after k differentiable look-ahead updates of a copy"

    def __init__(self, unroll: int = 5):
        self.unroll = whole_number("unroll", unroll, 0)

    def generator_critic(self, ctx):
        if self.unroll == 0:
            return super().generator_critic(ctx)
        # the eager module under torch.compile's wrapper: compiled graphs have no double backward
        D = getattr(ctx.networks["discriminator"], "_orig_mod", ctx.networks["discriminator"])
        G, objective = ctx.networks["generator"], ctx.objective
        live = dict(D.named_parameters())
        names = [name for name, p in live.items() if p.requires_grad]
        fixed = {name: p for name, p in live.items() if not p.requires_grad}
        # BatchNorm statistics and spectral-norm vectors move in these copies, not in D
        fixed.update({name: b.clone() for name, b in D.named_buffers()})
        optimizer = FunctionalOptimizer(ctx.optimizers["discriminator"], [live[name] for name in names])
        params = [live[name].detach().requires_grad_() for name in names]
        with torch.autocast(ctx.device.type, enabled=False):
            for _ in range(self.unroll):
                real, labels = ctx.real()
                fake = G(ctx.latent(), labels).float()
                critic = UnrolledDiscriminator(D, {**fixed, **dict(zip(names, params))})
                loss = objective.discriminator_loss(critic(real, labels), critic(fake, labels))
                penalty = objective.penalty(critic, real, fake, ctx.step, labels=labels)
                if penalty is not None:
                    loss = loss + penalty
                grads = torch.autograd.grad(loss, params, create_graph=True, materialize_grads=True)
                params = optimizer.step(params, list(grads))
        return UnrolledDiscriminator(D, {**fixed, **dict(zip(names, params))})

    def __repr__(self) -> str:
        return f"Unrolled(unroll={self.unroll})"
