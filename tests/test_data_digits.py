import numpy as np
import torch

from ganzoo.data import digits
from ganzoo.data.digits import Digits


def test_embedded_arrays_are_the_uci_digits():
    images, labels = digits.load_arrays()
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert images.max() == 16 and images.min() == 0
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_attribution_ships_beside_the_data():
    text = (digits.ARRAY_FILE.parent / "DIGITS_LICENSE.txt").read_text()
    assert "Alpaydin" in text and "CC BY 4.0" in text


def test_images_are_one_channel_8x8_in_minus_one_one():
    d = Digits()
    assert d.info.shape == (1, 8, 8) and d.info.bounded
    assert d.train.dtype == torch.float32
    assert d.train.min() == -1 and d.train.max() == 1


def test_split_is_1500_train_297_test():
    d = Digits()
    assert len(d.train) == 1500 and len(d.test) == 297


def test_split_does_not_depend_on_the_seed():
    a, b = Digits(seed=0), Digits(seed=123)
    assert torch.equal(a.test, b.test) and torch.equal(a.train_labels, b.train_labels)


def test_labels_are_kept_with_ten_classes():
    d = Digits()
    x, y = d.sample(32, torch.Generator().manual_seed(0))
    assert x.shape == (32, 1, 8, 8) and y.shape == (32,)
    assert d.num_classes == 10 and d.info.num_classes == 10
    assert set(d.test_labels.tolist()) == set(range(10))


def test_sampling_is_deterministic_from_the_generator():
    d = Digits()
    a, _ = d.sample(16, torch.Generator().manual_seed(5))
    b, _ = d.sample(16, torch.Generator().manual_seed(5))
    assert torch.equal(a, b)


def test_to_data_space_maps_to_zero_one():
    d = Digits()
    x = d.to_data_space(d.test)
    assert x.min() == 0 and x.max() == 1
