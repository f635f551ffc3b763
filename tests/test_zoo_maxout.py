import pytest
import torch

from ganzoo.api import DataInfo
from ganzoo.zoo.maxout import Maxout, MaxoutDiscriminator


def test_maxout_unit_is_the_max_over_its_pieces():
    layer = Maxout(3, units=2, pieces=4)
    x = torch.randn(5, 3)
    pieces = layer.linear(x).view(5, 2, 4)
    torch.testing.assert_close(layer(x), pieces.max(dim=2).values)


def test_discriminator_has_the_papers_layout():
    D = MaxoutDiscriminator(DataInfo((1, 8, 8), bounded=True))
    units = [(m.units, m.pieces) for m in D.net if isinstance(m, Maxout)]
    drops = [m.p for m in D.net if isinstance(m, torch.nn.Dropout)]
    assert units == [(240, 5), (240, 5)]
    assert D.input_dropout.p == 0.2 and drops == [0.5, 0.5]
    assert D(torch.randn(4, 1, 8, 8)).shape == (4,)


def test_dropout_is_active_only_in_training():
    D = MaxoutDiscriminator(DataInfo((2,), bounded=False), hidden=32)
    x = torch.randn(16, 2)
    assert not torch.equal(D(x), D(x))
    D.eval()
    assert torch.equal(D(x), D(x))


def test_conditional_discriminator_uses_labels():
    D = MaxoutDiscriminator(DataInfo((2,), bounded=False, num_classes=3), num_classes=3, hidden=16).eval()
    x, labels = torch.randn(6, 2), torch.arange(6) % 3
    assert not torch.equal(D(x, labels), D(x, (labels + 1) % 3))


@pytest.mark.parametrize("kwargs, words", [
    ({"hidden": -1}, "hidden must be a whole number >= 1"),
    ({"pieces": 0}, "pieces must be a whole number >= 1, got 0"),
    ({"pieces": "5"}, "pieces must be a whole number >= 1"),
    ({"dropout": 1.0}, "dropout must be a finite number >= 0 and < 1, got 1.0"),
    ({"input_dropout": -0.1}, "input_dropout must be a finite number >= 0 and < 1"),
])
def test_bad_arguments_are_value_errors_naming_them(kwargs, words):
    with pytest.raises(ValueError) as err:
        MaxoutDiscriminator(DataInfo((2,), bounded=False), **kwargs)
    assert words in str(err.value)


def test_init_std_draws_weights_from_that_normal_and_zeroes_biases():
    D = MaxoutDiscriminator(DataInfo((2,), bounded=False), hidden=(200, 200), init_std=0.02)
    linears = [m for m in D.net.modules() if isinstance(m, torch.nn.Linear)]
    weights = torch.cat([m.weight.flatten() for m in linears])
    assert abs(weights.std().item() - 0.02) < 0.001 and not any(m.bias.any() for m in linears)


def test_max_norm_projects_every_units_weights_and_keeps_short_ones():
    D = MaxoutDiscriminator(DataInfo((3,), bounded=False), hidden=(4,), pieces=2, max_norm=1.5)
    linears = [m for m in D.net.modules() if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for m in linears:
            m.weight.normal_(0, 3.0)
        linears[0].weight[0] = torch.tensor([0.1, 0.2, 0.3])  # already short: left as it is
    rows = [m.weight.detach().clone() for m in linears]
    D.after_step()
    for m, before in zip(linears, rows):
        norms = m.weight.norm(dim=1)
        assert norms.max() <= 1.5 + 1e-5
        long = before.norm(dim=1) > 1.5
        torch.testing.assert_close(norms[long], torch.full_like(norms[long], 1.5))
        # a projection rescales each row: its direction is kept
        torch.testing.assert_close(m.weight / norms[:, None], before / before.norm(dim=1)[:, None])
    torch.testing.assert_close(linears[0].weight[0], torch.tensor([0.1, 0.2, 0.3]))


def test_without_max_norm_the_hook_changes_nothing():
    D = MaxoutDiscriminator(DataInfo((3,), bounded=False), hidden=(4,), pieces=2)
    before = [p.detach().clone() for p in D.parameters()]
    with torch.no_grad():
        D.net[0].linear.weight.mul_(100)
        before[0].mul_(100)
    D.after_step()
    assert all(torch.equal(p, b) for p, b in zip(D.parameters(), before))


def test_bad_max_norm_is_a_value_error_naming_it():
    with pytest.raises(ValueError, match="max_norm must be a finite number > 0 \\(or none"):
        MaxoutDiscriminator(DataInfo((2,), bounded=False), max_norm=0)
