import math

import numpy as np

from ganzoo.metrics.histogram import coverage, kl_to_uniform


def test_uniform_histogram_has_zero_kl():
    assert kl_to_uniform(np.full(8, 5)) == 0.0


def test_everything_in_one_category_gives_log_k():
    assert math.isclose(kl_to_uniform([0, 0, 7, 0]), math.log(4))


def test_empty_categories_contribute_nothing():
    # p = (1/2, 1/2, 0, 0) against uniform over 4: 2 · 1/2 · log(2) = log 2
    assert math.isclose(kl_to_uniform([3, 3, 0, 0]), math.log(2))


def test_no_samples_is_undefined():
    assert math.isnan(kl_to_uniform([0, 0, 0]))


def test_coverage_counts_nonempty_categories():
    result = coverage(np.array([0, 2, 0, 1]))
    assert (result["covered"], result["total"], result["counts"]) == (2, 4, [0, 2, 0, 1])
