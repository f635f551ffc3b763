import torch

from ganzoo.data.digits import Digits
from ganzoo.data.stacked import StackedDigits


def _source_index(channels: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
    """For each one-channel image ``(m, 8, 8)``, the index of an equal image in ``images``, or -1."""
    equal = (channels.flatten(1)[:, None, :] == images.flatten(1)[None, :, :]).all(dim=2)
    return torch.where(equal.any(dim=1), equal.int().argmax(dim=1), -1)


def test_each_channel_is_a_training_digit_and_the_label_reads_the_three():
    digits, data = Digits(), StackedDigits()
    x, labels = data.sample(64, torch.Generator().manual_seed(3))
    assert x.shape == (64, 3, 8, 8)
    index = _source_index(x.reshape(-1, 8, 8), digits.train[:, 0])
    assert bool((index >= 0).all())
    digit = digits.train_labels[index].view(64, 3)
    assert torch.equal(labels, digit[:, 0] * 100 + digit[:, 1] * 10 + digit[:, 2])


def test_channels_are_drawn_independently():
    x, _ = StackedDigits().sample(64, torch.Generator().manual_seed(0))
    assert not torch.equal(x[:, 0], x[:, 1]) and not torch.equal(x[:, 1], x[:, 2])


def test_test_split_stacks_the_digits_test_split():
    digits, data = Digits(), StackedDigits()
    x, labels = data.test_split()
    assert x.shape == (26_000, 3, 8, 8) and labels.shape == (26_000,)
    index = _source_index(x[:200].reshape(-1, 8, 8), digits.test[:, 0])
    assert bool((index >= 0).all())
    assert torch.equal(data.test_split()[0], StackedDigits(seed=5).test_split()[0])  # fixed, not seeded


def test_every_class_is_equally_likely_in_every_channel():
    # the digits' test split has 24..35 images per class; drawing images uniformly would show it
    _, labels = StackedDigits().test_split()
    per_channel = torch.stack([labels // 100, labels // 10 % 10, labels % 10])
    counts = torch.stack([torch.bincount(c, minlength=10) for c in per_channel])
    assert bool(((counts - 2600).abs() < 200).all()), counts
