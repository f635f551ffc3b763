import pytest
import torch
from torch import nn

from ganzoo.zoo.regularizers import clip_weights, gradient_penalty, r1_penalty


def _linear_critic(weight):
    """D(x) = w . x: its input gradient is w everywhere."""
    d = nn.Linear(len(weight), 1, bias=False)
    with torch.no_grad():
        d.weight.copy_(torch.tensor([weight]))
    return lambda x: d(x).squeeze(1), d


@pytest.mark.parametrize("weight, expected", [([0.6, 0.8], 0.0), ([1.2, 1.6], 1.0)])
def test_gradient_penalty_measures_distance_of_the_gradient_norm_from_one(weight, expected):
    critic, _ = _linear_critic(weight)
    penalty = gradient_penalty(critic, torch.randn(8, 2), torch.randn(8, 2))
    torch.testing.assert_close(penalty, torch.tensor(expected))


def test_r1_penalty_is_the_squared_gradient_norm_on_real_data():
    critic, _ = _linear_critic([1.0, 2.0])
    torch.testing.assert_close(r1_penalty(critic, torch.randn(8, 2)), torch.tensor(5.0))


def test_penalties_accept_detached_inputs_and_reach_the_parameters():
    critic, d = _linear_critic([1.2, 1.6])
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    (gradient_penalty(critic, real, fake) + r1_penalty(critic, real)).backward()
    assert d.weight.grad is not None and d.weight.grad.abs().sum() > 0
    assert not real.requires_grad


def test_gradient_penalty_handles_images():
    d = nn.Sequential(nn.Flatten(), nn.Linear(4, 1))
    penalty = gradient_penalty(lambda x: d(x).squeeze(1), torch.randn(3, 1, 2, 2), torch.randn(3, 1, 2, 2))
    assert penalty.dim() == 0 and torch.isfinite(penalty)


def test_clip_weights_clamps_every_parameter():
    d = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4))
    clip_weights(d, 0.01)
    assert all(p.abs().max() <= 0.01 for p in d.parameters())
