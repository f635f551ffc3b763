"""A network's optional ``after_step()`` hook: the trainer's phases call it after every update
of that network's weights, and only then."""

from __future__ import annotations

import torch
from torch import nn

from ganzoo.train.step import StepContext


class Counting(nn.Linear):
    """A linear layer that records the weights it saw each time its hook ran."""

    def __init__(self):
        super().__init__(2, 1)
        self.seen: list[torch.Tensor] = []

    def after_step(self) -> None:
        self.seen.append(self.weight.detach().clone())


def _context(networks, optimizers):
    return StepContext(networks=networks, optimizers=optimizers, objective=None, config=None,
                       device=torch.device("cpu"), dataset=None, data_rng=torch.Generator(),
                       latent_rng=torch.Generator(), conditional=False)


def test_the_hook_runs_after_the_update_of_its_network():
    net, other = Counting(), nn.Linear(2, 1)
    ctx = _context({"discriminator": net, "generator": other},
                   {"discriminator": torch.optim.SGD(net.parameters(), lr=1.0),
                    "generator": torch.optim.SGD(other.parameters(), lr=1.0)})
    with ctx.phase("discriminator") as phase:
        phase.backward(net(torch.ones(1, 2)).sum())
    assert len(net.seen) == 1
    torch.testing.assert_close(net.seen[0], net.weight.detach())  # after the step, not before
    with ctx.phase("generator") as phase:  # another network's update leaves the hook alone
        phase.backward(other(torch.ones(1, 2)).sum() + net(torch.ones(1, 2)).sum())
    assert len(net.seen) == 1


def test_a_phase_that_raises_runs_no_hook():
    net = Counting()
    ctx = _context({"discriminator": net}, {"discriminator": torch.optim.SGD(net.parameters(), lr=1.0)})
    try:
        with ctx.phase("discriminator") as phase:
            phase.backward(net(torch.ones(1, 2)).sum())
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert net.seen == []
