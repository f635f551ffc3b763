import numpy as np
import torch

from ganzoo.data.arrays import ArrayDataset, fixed_split, images_to_model_space
from ganzoo.data.base import TensorDataset


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


def test_images_to_model_space_leaves_a_float32_input_as_it_was():
    x = np.full((2, 1, 2, 2), 0.5, np.float32)
    images_to_model_space(x, 1.0)
    assert (x == 0.5).all()


def _pixels(n=30):
    return np.random.RandomState(0).randint(0, 256, (n, 3, 4, 4)).astype(np.uint8)


def test_uint8_storage_draws_what_float32_storage_drew():
    """The batches (and so every run's data stream) are bit-identical to holding float32."""
    pixels, labels = _pixels(), np.arange(30) % 3
    train, test = fixed_split(30, 3)
    as_floats = images_to_model_space(pixels, 255)
    before = TensorDataset(as_floats[train], as_floats[test], bounded=True,
                           train_labels=torch.from_numpy(labels[train]), num_classes=3)
    now = ArrayDataset(pixels, train_rows=train, test_rows=test, max_value=255, labels=labels, num_classes=3)
    a, b = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    for _ in range(3):
        (xa, ya), (xb, yb) = before.sample(8, a), now.sample(8, b)
        assert torch.equal(xa, xb) and torch.equal(ya, yb)
    assert torch.equal(now.test_split()[0], as_floats[test])


def test_array_dataset_keeps_its_samples_as_stored():
    d = ArrayDataset(_pixels(), train_rows=np.arange(27), test_rows=np.arange(27, 30), max_value=255)
    assert d.samples.dtype == np.uint8 and d.stored_bytes_per_sample == 48
    x, _ = d.sample(4, torch.Generator())
    assert x.dtype == torch.float32 and x.shape == (4, 3, 4, 4)


def test_array_dataset_samples_only_training_rows():
    pixels = np.zeros((10, 1, 2, 2), np.uint8)
    pixels[8:] = 255  # the test rows
    d = ArrayDataset(pixels, train_rows=np.arange(8), test_rows=np.array([8, 9]), max_value=255)
    x, _ = d.sample(200, torch.Generator().manual_seed(0))
    assert (x == -1).all() and (d.test_split()[0] == 1).all()
