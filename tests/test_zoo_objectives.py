import torch
import torch.nn.functional as F

from ganzoo.zoo.objectives import Minimax, NonSaturating


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
