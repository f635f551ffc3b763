"""Two-domain data: the built-in digit pairs and a user's folders in both usual layouts."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganzoo.data import load_dataset
from ganzoo.data.pairs import DigitsBold, DigitsEdges, bold, edge_maps, load_domain_folder
from ganzoo.errors import DataError


def test_digits_edges_pairs_each_digit_with_its_edge_map():
    data = DigitsEdges()
    assert data.info.shape == (2, 8, 8) and data.info.domains == (1, 1) and data.paired
    x, labels = data.sample(16, torch.Generator().manual_seed(0))
    edges, digits = data.split(x)
    assert labels is None and torch.equal(edges, edge_maps(digits))
    assert set(edges.unique().tolist()) == {-1.0, 1.0}
    test, test_labels = data.test_split()
    assert len(test) == 297 and test_labels is not None


def test_digits_bold_draws_its_domains_from_disjoint_halves():
    data = DigitsBold()
    assert not data.paired and len(data.a_train) == 750 and len(data.b_train) == 750
    assert data.b_train.mean() > data.a_train.mean()  # bold strokes light more pixels
    # no B training image is the bold twin of an A training image: the halves hold different digits
    twins = bold(data.a_train)
    assert not any(torch.equal(twins[i], data.b_train[j]) for i in range(20) for j in range(750))
    a, b = data.split(data.test_split()[0])
    assert torch.equal(b, bold(a))


def test_bold_brightens_the_four_neighbours():
    x = torch.full((1, 1, 5, 5), -1.0)
    x[0, 0, 2, 2] = 1.0
    y = bold(x)[0, 0]
    assert y.sum() == 5 * 1.0 + 20 * -1.0 and y[1, 2] == y[2, 1] == y[3, 2] == y[2, 3] == 1.0 and y[1, 1] == -1.0


def _png(path, pixels):
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)


def test_a_folder_with_train_a_and_train_b_is_unpaired(tmp_path):
    rng = np.random.default_rng(0)
    for side, count in (("trainA", 3), ("trainB", 5), ("testA", 2), ("testB", 2)):
        for i in range(count):
            _png(tmp_path / side / f"{i}.png", rng.integers(0, 256, (8, 8), dtype=np.uint8))
    data = load_dataset(str(tmp_path), domains=True)
    assert not data.paired and data.info.shape == (2, 8, 8) and data.info.domains == (1, 1)
    assert len(data.a_train) == 3 and len(data.b_train) == 5 and len(data.test_split()[0]) == 2


def test_side_by_side_pairs_split_into_left_and_right(tmp_path):
    pixels = np.zeros((8, 16, 3), dtype=np.uint8)
    pixels[:, 8:] = 255
    _png(tmp_path / "train" / "0.png", pixels)
    data = load_domain_folder(tmp_path)
    assert data.paired and data.info.shape == (6, 8, 8) and data.info.domains == (3, 3)
    a, b = data.split(data.test_split()[0])  # no test/ folder: the training pairs
    assert float(a.max()) == -1.0 and float(b.min()) == 1.0


@pytest.mark.parametrize("layout, message", [
    ({"trainA/0.png": (8, 8)}, "no trainB/"),
    ({"train/0.png": (8, 15)}, "even width"),
])
def test_bad_folders_say_what_is_wrong(tmp_path, layout, message):
    for name, shape in layout.items():
        _png(tmp_path / name, np.zeros(shape, dtype=np.uint8))
    with pytest.raises(DataError, match=message):
        load_domain_folder(tmp_path)
