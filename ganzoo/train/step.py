"""The trainer's side of a game's step: the context a :class:`~ganzoo.api.Game` runs in.

A game asks the context for real batches and latents (drawn from the run's seeded
streams) and runs its updates in phases. A phase is the one place that knows how an
update is carried out — zeroing the optimizers' gradients, the backward pass, anything
a distributed or mixed-precision run adds to it, and the optimizer step — so every game
gets the same behaviour from the trainer without writing any of it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor, nn

from ganzoo.api import Objective
from ganzoo.train.distributed import Distributed
from ganzoo.train.precision import HALF, Precision


class Phase:
    """One update of some optimizers: ``backward`` adds a loss's gradients (call it once or
    more); leaving the ``with`` block steps the optimizers. Gradients the loss sends to
    networks the phase does not update are left alone and cleared by their own phase."""

    def __init__(self, context: StepContext, names: tuple[str, ...]):
        self.context = context
        self.names = names
        self.optimizers = [context.optimizers[n] for n in names]
        #: the fp16 loss scaler of this phase (None in fp32 and bf16)
        self.scaler = context.precision.scaler("+".join(names)) if context.precision is not None else None

    def backward(self, loss: Tensor) -> None:
        if loss.dtype in HALF:  # a game's own half-precision loss: its gradients start in float32
            loss = loss.float()
        (loss if self.scaler is None else self.scaler.scale(loss)).backward()

    def parameters(self) -> list[Tensor]:
        """What this phase updates: its optimizers' parameters, in their order."""
        return [p for optimizer in self.optimizers for group in optimizer.param_groups for p in group["params"]]

    def _finish(self) -> None:
        if self.context.distributed is not None:  # under torchrun: every process steps with the mean gradients
            self.context.distributed.average_gradients(self.parameters(), "+".join(self.names))
        if self.scaler is None:
            for optimizer in self.optimizers:
                optimizer.step()
        else:
            # fp16: true gradients first, then a step only where they are all finite, then the new scale
            for optimizer in self.optimizers:
                self.scaler.unscale_(optimizer)
            for optimizer in self.optimizers:
                self.scaler.step(optimizer)
            self.scaler.update()
        self._after_step()

    def _after_step(self) -> None:
        """Call ``after_step()`` on every network that defines it and whose weights this phase
        updated (a constraint such as the maxout discriminator's max-norm projection)."""
        hooked = [(network, hook) for network in self.context.networks.values()
                  if callable(hook := getattr(network, "after_step", None))]
        if not hooked:  # the common case: nothing to do, and no parameter walk on every step
            return
        updated = {id(p) for p in self.parameters()}
        for network, hook in hooked:
            if any(id(p) in updated for p in network.parameters()):
                hook()


@dataclass
class StepContext:
    """What a game's ``step`` sees. ``networks`` and ``optimizers`` are by name; ``step`` is
    the number of steps done before this one; ``config`` the run's settings."""

    networks: dict[str, nn.Module]
    optimizers: dict[str, torch.optim.Optimizer]
    objective: Objective
    config: Any
    device: torch.device
    dataset: Any
    data_rng: torch.Generator
    latent_rng: torch.Generator
    conditional: bool
    step: int = 0
    #: autocast and fp16 loss scaling of the phases (None: float32, as before precisions existed)
    precision: Precision | None = None
    #: the processes of a torchrun job, whose gradients each phase averages (None: one process)
    distributed: Distributed | None = None
    #: named phases run so far in this step, in order (for tests and for games that ask)
    phases: list[str] = field(default_factory=list)

    def real(self, n: int | None = None) -> tuple[Tensor, Tensor | None]:
        """The next ``n`` (default ``batch_size``) real samples and their labels (None unless
        the run is conditional), on the run's device."""
        x, labels = self.dataset.sample(n or self.config.batch_size, self.data_rng)
        x = x.to(self.device, non_blocking=True)
        return x, (labels.to(self.device) if self.conditional else None)

    def latent(self, n: int | None = None) -> Tensor:
        """The next ``n`` (default ``batch_size``) latent vectors of the generator, on the device."""
        generator = self.networks["generator"]
        return generator.sample_latent(n or self.config.batch_size, self.latent_rng, self.device)

    @contextlib.contextmanager
    def phase(self, *names: str) -> Iterator[Phase]:
        """Update the optimizers ``names``: their gradients are zeroed on entry and they step
        on a clean exit (an exception leaves the weights as they were)."""
        unknown = [n for n in names if n not in self.optimizers]
        if not names or unknown:
            raise KeyError(f"phase names optimizers {list(names)}; this game has {sorted(self.optimizers)}")
        phase = Phase(self, names)
        for optimizer in phase.optimizers:
            optimizer.zero_grad(set_to_none=True)
        self.phases.append("+".join(names))
        with self.precision.autocast() if self.precision is not None else contextlib.nullcontext():
            yield phase
        phase._finish()
