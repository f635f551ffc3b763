import math

import pytest
import torch

from ganzoo.data.toy import Grid25, Ring8


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_ring8_has_8_modes_on_the_unit_circle_std_001():
    d = Ring8()
    assert d.modes.shape == (8, 2) and d.mode_std == 0.01
    assert torch.allclose(d.modes.norm(dim=1), torch.ones(8))
    angles = torch.atan2(d.modes[:, 1], d.modes[:, 0]).remainder(2 * math.pi).sort().values
    assert torch.allclose(angles, torch.arange(8) * (math.pi / 4), atol=1e-6)


def test_grid25_has_modes_on_the_even_grid_std_005():
    d = Grid25()
    assert d.mode_std == 0.05
    expected = {(float(a), float(b)) for a in (-4, -2, 0, 2, 4) for b in (-4, -2, 0, 2, 4)}
    assert {tuple(m) for m in d.modes.tolist()} == expected


@pytest.mark.parametrize("cls", [Ring8, Grid25])
def test_points_are_unbounded_2d(cls):
    d = cls()
    assert d.info.shape == (2,) and not d.info.bounded
    x, labels = d.sample(10, gen())
    assert x.shape == (10, 2) and x.dtype == torch.float32 and labels is None


@pytest.mark.parametrize("cls", [Ring8, Grid25])
def test_samples_lie_near_a_mode_with_the_stated_std(cls):
    d = cls()
    x, _ = d.sample(4000, gen())
    offset = x - d.modes[torch.cdist(x, d.modes).argmin(dim=1)]
    assert offset.std().item() == pytest.approx(d.mode_std, rel=0.1)


@pytest.mark.parametrize("cls", [Ring8, Grid25])
def test_every_mode_is_sampled(cls):
    d = cls()
    x, _ = d.sample(2000, gen())
    assert torch.cdist(x, d.modes).argmin(dim=1).unique().numel() == len(d.modes)


def test_sampling_is_deterministic_from_the_generator():
    a, _ = Ring8().sample(50, gen(3))
    b, _ = Ring8().sample(50, gen(3))
    assert torch.equal(a, b)


def test_test_split_is_fixed_for_a_seed():
    a, _ = Grid25(seed=1).test_split()
    b, _ = Grid25(seed=1).test_split()
    assert torch.equal(a, b) and a.shape == (2500, 2)


def test_test_split_differs_from_training_draws():
    d = Ring8(seed=0)
    test, _ = d.test_split()
    train, _ = d.sample(2500, gen(0))
    assert not torch.equal(test, train)


def test_to_data_space_leaves_points_unchanged():
    x = torch.tensor([[3.0, -5.0]])
    assert torch.equal(Grid25().to_data_space(x), x)
