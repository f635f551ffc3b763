import numpy as np
import torch

from ganzoo.data.arrays import fixed_split, images_to_model_space


def test_fixed_split_partitions_all_indices():
    train, test = fixed_split(100, 10)
    assert len(test) == 10 and len(train) == 90
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(100))


def test_fixed_split_is_the_same_every_call():
    a, b = fixed_split(50, 5), fixed_split(50, 5)
    assert np.array_equal(a[1], b[1])


def test_fixed_split_is_shuffled_not_the_tail():
    _, test = fixed_split(100, 10)
    assert test.tolist() != list(range(90, 100))


def test_images_to_model_space_maps_range_to_minus_one_one():
    x = images_to_model_space(np.array([0, 8, 16], np.uint8), 16)
    assert x.dtype == torch.float32 and x.tolist() == [-1.0, 0.0, 1.0]
