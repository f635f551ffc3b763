import pytest
import torch
import torch.nn.functional as F

from ganzoo.zoo.objectives import Hinge, LeastSquares, Minimax, NonSaturating, Wasserstein


def test_discriminator_loss_is_the_sum_of_both_bce_terms():
    real, fake = torch.randn(16), torch.randn(16)
    expected = F.binary_cross_entropy_with_logits(real, torch.ones(16)) + F.binary_cross_entropy_with_logits(
        fake, torch.zeros(16)
    )
    torch.testing.assert_close(NonSaturating().discriminator_loss(real, fake), expected)


def test_label_smoothing_changes_the_real_target():
    real, fake = torch.randn(16), torch.randn(16)
    expected = F.binary_cross_entropy_with_logits(real, torch.full((16,), 0.9)) + F.binary_cross_entropy_with_logits(
        fake, torch.zeros(16)
    )
    torch.testing.assert_close(NonSaturating(real_target=0.9).discriminator_loss(real, fake), expected)


def test_minimax_generator_minimises_log_one_minus_d():
    fake = torch.randn(16)
    expected = torch.log1p(-torch.sigmoid(fake)).mean()
    torch.testing.assert_close(Minimax().generator_loss(fake), expected)


def test_non_saturating_generator_maximises_log_d():
    fake = torch.randn(16)
    expected = -torch.log(torch.sigmoid(fake)).mean()
    torch.testing.assert_close(NonSaturating().generator_loss(fake), expected)


def test_non_saturating_gradient_stays_large_when_d_wins():
    # D confidently rejects the fakes: the minimax gradient vanishes, the non-saturating one does not.
    fake = torch.full((8,), -10.0, requires_grad=True)
    Minimax().generator_loss(fake).backward()
    saturating = fake.grad.abs().mean().item()
    fake.grad = None
    NonSaturating().generator_loss(fake).backward()
    assert fake.grad.abs().mean().item() > 1000 * saturating


# --- the other games ----------------------------------------------------------------------


def test_least_squares_losses_pull_outputs_to_their_targets():
    real, fake = torch.randn(16), torch.randn(16)
    ls = LeastSquares()
    torch.testing.assert_close(ls.discriminator_loss(real, fake),
                               0.5 * ((real - 1) ** 2).mean() + 0.5 * (fake ** 2).mean())
    torch.testing.assert_close(ls.generator_loss(fake), 0.5 * ((fake - 1) ** 2).mean())


def test_wasserstein_losses_are_differences_of_means():
    real, fake = torch.randn(16), torch.randn(16)
    torch.testing.assert_close(Wasserstein().discriminator_loss(real, fake), fake.mean() - real.mean())
    torch.testing.assert_close(Wasserstein().generator_loss(fake), -fake.mean())


def test_hinge_discriminator_ignores_confident_outputs():
    real, fake = torch.tensor([2.0, 0.5]), torch.tensor([-3.0, 0.0])
    # real: relu(1-2)=0, relu(1-0.5)=0.5; fake: relu(1-3)=0, relu(1+0)=1
    torch.testing.assert_close(Hinge().discriminator_loss(real, fake), torch.tensor(0.25 + 0.5))
    torch.testing.assert_close(Hinge().generator_loss(fake), -fake.mean())


# --- regularizers ---------------------------------------------------------------------------


class _Critic(torch.nn.Module):
    """D(x) = w . x, so its input gradient is w: the penalties are known in closed form."""

    num_classes = 0

    def __init__(self, weight=(1.0, 2.0)):
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor(weight))

    def forward(self, x, labels=None):
        return x @ self.w


@pytest.mark.parametrize("cls", [Minimax, NonSaturating, LeastSquares, Wasserstein, Hinge])
def test_regularizers_are_off_by_default(cls):
    objective = cls()
    assert objective.penalty(_Critic(), torch.randn(4, 2), torch.randn(4, 2), 0) is None
    critic = _Critic((5.0, 5.0))
    objective.after_discriminator_step(critic)
    assert critic.w.tolist() == [5.0, 5.0]


def test_gradient_penalty_is_weighted():
    # |w| = sqrt(5): penalty = 10 * (sqrt(5) - 1)^2
    penalty = Wasserstein(gp_weight=10).penalty(_Critic(), torch.randn(4, 2), torch.randn(4, 2), 0)
    torch.testing.assert_close(penalty, torch.tensor(10 * (5 ** 0.5 - 1) ** 2))


def test_lazy_r1_runs_every_k_steps_scaled_by_k():
    objective = NonSaturating(r1_gamma=2.0, r1_every=4)
    real, fake = torch.randn(4, 2), torch.randn(4, 2)
    # gamma / 2 * |w|^2 * k = 1 * 5 * 4
    torch.testing.assert_close(objective.penalty(_Critic(), real, fake, 8), torch.tensor(20.0))
    assert objective.penalty(_Critic(), real, fake, 9) is None


def test_weight_clipping_runs_after_each_discriminator_step():
    critic = _Critic((0.5, -0.5))
    Wasserstein(clip=0.01).after_discriminator_step(critic)
    torch.testing.assert_close(critic.w.detach(), torch.tensor([0.01, -0.01]))


def test_penalties_pass_labels_to_conditional_discriminators():
    from ganzoo.api import DataInfo
    from ganzoo.zoo.mlp import MLPDiscriminator

    info = DataInfo((2,), bounded=False, num_classes=3)
    critic = MLPDiscriminator(info, num_classes=3, hidden=8)
    real, fake, labels = torch.randn(4, 2), torch.randn(4, 2), torch.tensor([0, 1, 2, 0])
    penalty = Hinge(gp_weight=10, r1_gamma=1).penalty(critic, real, fake, 0, labels=labels)
    assert penalty.ndim == 0 and torch.isfinite(penalty)
    other = Hinge(r1_gamma=1).penalty(critic, real, fake, 0, labels=(labels + 1) % 3)
    assert not torch.equal(Hinge(r1_gamma=1).penalty(critic, real, fake, 0, labels=labels), other)


@pytest.mark.parametrize("kwargs, words", [
    ({"gp_weight": -1}, "gp_weight must be a finite number >= 0"),
    ({"gp_weight": float("nan")}, "gp_weight must be a finite number >= 0"),
    ({"r1_gamma": float("inf")}, "r1_gamma must be a finite number >= 0"),
    ({"r1_every": 0}, "r1_every must be a whole number >= 1"),
    ({"r1_every": 1.5}, "r1_every must be a whole number >= 1, got 1.5"),
    ({"clip": 0}, "clip must be a finite number > 0 (or none: no clipping)"),
    ({"real_target": 2}, "real_target must be a finite number >= 0 and <= 1"),
])
def test_bad_settings_are_refused_naming_them(kwargs, words):
    with pytest.raises(ValueError) as err:
        NonSaturating(**kwargs)
    assert words in str(err.value)


def test_repr_shows_the_regularizers_switched_on():
    assert repr(Wasserstein(clip=0.01)) == "Wasserstein(clip=0.01)"
    assert repr(NonSaturating()) == "NonSaturating(real_target=1.0)"
