"""benchmarks/quality/augmentation.py: the augmentation table's script, end to end at a tiny budget."""

import json

import numpy as np
import pytest

from tests.quality_scripts import load_script


@pytest.fixture(scope="module")
def augmentation():
    return load_script("augmentation")


def test_a_tiny_run_writes_the_table_and_its_numbers(augmentation, tmp_path):
    augmentation.main(["--seeds", "2", "--ks", "2", "--cgan-steps", "3", "--full-steps", "3",
                       "--classifier-steps", "3", "--generated", "5", "--out", str(tmp_path)])
    result = json.loads((tmp_path / "augmentation.json").read_text())
    row = result["rows"]["2"]
    assert set(row) == {"real", "fair", "full"}
    assert all(len(row[arm]["accuracy"]) == 2 and all(0 <= a <= 1 for a in row[arm]["accuracy"]) for arm in row)
    table = (tmp_path / "augmentation.md").read_text()
    assert f"| 2 | {100 * row['real']['summary']['mean']:.1f} ±" in table and "## Verdict" in table
    # --render writes the same document from the JSON alone
    (tmp_path / "augmentation.md").unlink()
    augmentation.main(["--render", "--out", str(tmp_path)])
    assert (tmp_path / "augmentation.md").read_text() == table


def test_the_subsets_hold_k_per_class_and_grow_by_nesting(augmentation):
    y = np.repeat(np.arange(10), 20)
    five, ten = augmentation.subset(y, 5, 3), augmentation.subset(y, 10, 3)
    assert np.bincount(y[five]).tolist() == [5] * 10 and set(five) <= set(ten)
    assert not np.array_equal(five, augmentation.subset(y, 5, 4))


def test_the_verdict_says_so_when_augmentation_loses(augmentation):
    rows = {"5": {"real": {"accuracy": [0.80, 0.82, 0.81]}, "fair": {"accuracy": [0.70, 0.71, 0.72]}}}
    assert "hurts" in augmentation.verdict(rows, "fair")[0]
    rows["5"]["fair"]["accuracy"] = [0.81, 0.80, 0.83]
    assert "no difference" in augmentation.verdict(rows, "fair")[0]


def test_nearest_distance_is_to_the_closest_sample(augmentation):
    a = np.array([[0.0, 0.0], [1.0, 1.0]])
    b = np.array([[0.0, 0.5], [1.0, 1.0], [3.0, 3.0]])
    np.testing.assert_allclose(augmentation.nearest_distance(a, b), [0.5, 0.0], atol=1e-7)
