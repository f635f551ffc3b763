import math

import numpy as np
import pytest

from ganzoo.metrics.fid import frechet_distance, kernel_distance


def test_identical_sets_have_zero_fid():
    x = np.random.default_rng(0).normal(size=(200, 5))
    assert frechet_distance(x, x) == pytest.approx(0.0, abs=1e-8)


def test_a_shift_adds_its_squared_length():
    x = np.random.default_rng(0).normal(size=(200, 3))
    assert frechet_distance(x, x + [1.0, 2.0, 2.0]) == pytest.approx(9.0)


def test_scaled_gaussians_match_the_closed_form():
    # Σa = I, Σb = 4I in d dims: tr(I) + tr(4I) - 2 tr(2I) = d
    x = np.random.default_rng(0).normal(size=(500, 4))
    x = (x - x.mean(0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(x, rowvar=False))).T
    assert frechet_distance(x, 2 * x) == pytest.approx(4.0)


def test_kid_is_near_zero_for_one_distribution_and_positive_for_two():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(600, 8)), rng.normal(size=(600, 8))
    same, _ = kernel_distance(a, b, subsets=10, subset_size=300)
    different, _ = kernel_distance(a, b + 1.0, subsets=10, subset_size=300)
    assert abs(same) < 0.05 < different


def test_kid_is_reproducible_from_its_seed():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(100, 3)), rng.normal(size=(100, 3))
    assert kernel_distance(a, b, subsets=5, subset_size=50, seed=3) == kernel_distance(a, b, subsets=5, subset_size=50, seed=3)


def test_one_vector_is_too_few():
    with pytest.raises(ValueError):
        frechet_distance(np.zeros((1, 2)), np.zeros((5, 2)))
    assert math.isnan(kernel_distance(np.zeros((3, 2)), np.ones((3, 2)), subsets=1)[1])
