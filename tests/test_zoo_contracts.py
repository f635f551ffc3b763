"""The contract kit over the zoo's component variants that the generic built-in checks
(tests/test_testing.py, default settings) do not reach: conditional networks, other
discriminator norms, and every objective with each regularizer switched on."""

import pytest

from ganzoo import testing
from ganzoo.zoo.conv import DCGANDiscriminator, DCGANGenerator
from ganzoo.zoo.maxout import MaxoutDiscriminator
from ganzoo.zoo.mlp import MLPDiscriminator, MLPGenerator
from ganzoo.zoo.objectives import Hinge, LeastSquares, Minimax, NonSaturating, Wasserstein

OBJECTIVES = [Minimax, NonSaturating, LeastSquares, Wasserstein, Hinge]
REGULARIZERS = [{"gp_weight": 10.0}, {"r1_gamma": 10.0}, {"clip": 0.01}]


def test_conditional_dcgan_generator():
    testing.check_generator(DCGANGenerator, num_classes=3, width=8)


@pytest.mark.parametrize("kwargs", [{"num_classes": 3}, {"norm": "layer"}, {"norm": "none", "spectral_norm": True}],
                         ids=["conditional", "layer-norm", "spectral-norm"])
def test_dcgan_discriminator_variants(kwargs):
    testing.check_discriminator(DCGANDiscriminator, width=8, **kwargs)


def test_conditional_maxout_discriminator():
    testing.check_discriminator(MaxoutDiscriminator, num_classes=3)


def test_papers_mlp_generator_with_a_sigmoid_output():
    testing.check_generator(MLPGenerator, testing.IMAGES, hidden=(32, 32), batchnorm=False, activation="relu",
                            output="sigmoid")


def test_spectrally_normalised_mlp_discriminator():
    testing.check_discriminator(MLPDiscriminator, spectral_norm=True)


@pytest.mark.parametrize("cls", OBJECTIVES)
@pytest.mark.parametrize("regularizer", REGULARIZERS, ids=lambda r: next(iter(r)))
def test_objective_with_each_regularizer(cls, regularizer):
    testing.check_objective(cls, **regularizer)
