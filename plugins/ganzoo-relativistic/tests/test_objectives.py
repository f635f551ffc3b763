"""The relativistic losses against the paper's formulas, written out with plain torch."""

import pytest
import torch
import torch.nn.functional as F
from ganzoo.testing import check_objective

from ganzoo_relativistic.objectives import RaGAN, RaLSGAN


@pytest.fixture
def logits():
    g = torch.Generator().manual_seed(0)
    return torch.randn(16, generator=g), torch.randn(16, generator=g) - 1


def _bce(x, target):
    return F.binary_cross_entropy_with_logits(x, torch.full_like(x, target))


def test_ragan_matches_the_paper(logits):
    real, fake = logits
    d = (_bce(real - fake.mean(), 1.0) + _bce(fake - real.mean(), 0.0)) / 2
    g = (_bce(fake - real.mean(), 1.0) + _bce(real - fake.mean(), 0.0)) / 2
    torch.testing.assert_close(RaGAN().discriminator_loss(real, fake), d)
    torch.testing.assert_close(RaGAN().generator_loss(fake, real), g)


def test_ralsgan_matches_the_paper(logits):
    real, fake = logits
    d = (((real - fake.mean() - 1) ** 2).mean() + ((fake - real.mean() + 1) ** 2).mean()) / 2
    g = (((fake - real.mean() - 1) ** 2).mean() + ((real - fake.mean() + 1) ** 2).mean()) / 2
    torch.testing.assert_close(RaLSGAN().discriminator_loss(real, fake), d)
    torch.testing.assert_close(RaLSGAN().generator_loss(fake, real), g)


@pytest.mark.parametrize("objective", [RaGAN, RaLSGAN])
def test_losses_depend_only_on_relative_logits(objective, logits):
    real, fake = logits
    shifted = objective().discriminator_loss(real + 3.0, fake + 3.0)
    torch.testing.assert_close(shifted, objective().discriminator_loss(real, fake))


@pytest.mark.parametrize("objective", [RaGAN, RaLSGAN])
def test_generator_loss_needs_real_logits(objective, logits):
    assert objective.needs_real_logits
    with pytest.raises(ValueError, match="needs the real logits"):
        objective().generator_loss(logits[1])


@pytest.mark.parametrize("objective", [RaGAN, RaLSGAN])
def test_contract(objective):
    check_objective(objective)
