import math

import numpy as np

from ganzoo.metrics.parzen import SIGMAS, log_likelihood, parzen_score, select_sigma


def test_one_centre_is_a_gaussian_density():
    x = np.array([[0.3, -0.2, 0.1]])
    expected = -0.5 * (0.14 / 0.25) - 1.5 * math.log(2 * math.pi * 0.25)
    assert math.isclose(log_likelihood(np.zeros((1, 3)), x, 0.5)[0], expected, rel_tol=1e-12)


def test_density_is_an_average_over_centres():
    centres = np.array([[0.0], [10.0]])
    single = log_likelihood(centres[:1], np.zeros((1, 1)), 1.0)[0]
    # the far centre adds ~nothing; the mixture weight 1/2 costs log 2
    assert math.isclose(log_likelihood(centres, np.zeros((1, 1)), 1.0)[0], single - math.log(2), rel_tol=1e-9)


def test_images_are_flattened():
    centres = np.zeros((2, 1, 2, 2))
    assert log_likelihood(centres, np.zeros((3, 1, 2, 2)), 0.3).shape == (3,)


def test_sigma_is_chosen_on_the_validation_set():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 0.5, size=(2000, 1))
    sigma, scores = select_sigma(centres, rng.normal(0, 0.5, size=(500, 1)))
    assert sigma == max(scores, key=scores.get) and len(scores) == len(SIGMAS)
    assert 0.1 <= sigma < 0.5


def test_score_has_the_standard_error_of_the_mean():
    rng = np.random.default_rng(1)
    centres, test = rng.random((50, 2)), rng.random((40, 2))
    result = parzen_score(centres, rng.random((30, 2)), test)
    ll = log_likelihood(centres, test, result["sigma"])
    assert math.isclose(result["log_likelihood"], ll.mean())
    assert math.isclose(result["stderr"], ll.std(ddof=1) / math.sqrt(40))
