import math

import numpy as np
import pytest

from ganzoo.data.toy import Grid25, Ring8
from ganzoo.metrics.modes import mode_coverage, nearest_modes

RING = Ring8().modes.numpy()


def test_samples_on_three_of_eight_modes():
    samples = np.repeat(RING[[0, 3, 5]], [10, 10, 10], axis=0)
    result = mode_coverage(samples, RING, 0.01)
    assert result["modes"] == 3 and result["high_quality"] == 1.0
    assert math.isclose(result["reverse_kl"], math.log(8 / 3))


def test_perfect_coverage_has_zero_reverse_kl():
    samples = np.repeat(RING, 4, axis=0) + 0.01
    result = mode_coverage(samples, RING, 0.01)
    assert (result["modes"], result["reverse_kl"], result["counts"]) == (8, 0.0, [4] * 8)


def test_samples_beyond_three_std_are_not_high_quality():
    near = RING[0] + np.array([0.029, 0.0])
    far = RING[0] + np.array([0.031, 0.0])
    result = mode_coverage(np.stack([near, far]), RING, 0.01)
    assert result["high_quality"] == 0.5 and result["counts"][0] == 1


def test_low_quality_samples_do_not_capture_modes():
    result = mode_coverage(RING[[1]] * 1.5, RING, 0.01)
    assert result["modes"] == 0 and result["high_quality"] == 0.0
    assert math.isnan(result["reverse_kl"])


def test_histogram_only_counts_high_quality_samples():
    samples = np.concatenate([np.repeat(RING[[0]], 3, axis=0), RING[[1]] * 1.5])
    assert mode_coverage(samples, RING, 0.01)["counts"] == [3, 0, 0, 0, 0, 0, 0, 0]


def test_nearest_mode_on_the_grid():
    grid = Grid25().modes.numpy()
    index, distance = nearest_modes(np.array([[3.9, -4.1]]), grid)
    assert np.allclose(grid[index[0]], [4.0, -4.0]) and math.isclose(distance[0], math.sqrt(0.02))


def test_no_samples_is_an_error():
    with pytest.raises(ValueError):
        mode_coverage(np.zeros((0, 2)), RING, 0.01)


def test_spread_is_one_for_the_data_and_small_for_crowded_samples():
    rng = np.random.default_rng(0)
    points = RING[rng.integers(0, len(RING), 50_000)] + rng.normal(size=(50_000, 2)) * 0.01
    assert abs(mode_coverage(points, RING, 0.01)["spread"] - 1.0) < 0.02
    crowded = RING[rng.integers(0, len(RING), 1000)] + rng.normal(size=(1000, 2)) * 0.002
    assert mode_coverage(crowded, RING, 0.01)["spread"] < 0.3
    assert mode_coverage(RING[[1]] * 1.5, RING, 0.01)["spread"] is None  # no high-quality sample
