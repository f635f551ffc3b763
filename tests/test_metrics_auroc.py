"""AUROC from ranks, against cases small enough to count by hand."""

from __future__ import annotations

import numpy as np
import pytest

from ganzoo.metrics.auroc import auroc, average_ranks


def test_counts_the_pairs_ordered_right():
    # anomalies 0.35 and 0.8, normal 0.1 and 0.4: of the 4 (anomaly, normal) pairs, 3 are ordered right
    assert auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75


def test_a_tie_counts_one_half():
    # anomaly 0.5 ties normal 0.5 (1/2) and beats normal 0.2 (1): (1 + 0.5) / 2
    assert auroc([0.2, 0.5, 0.5], [False, False, True]) == 0.75
    assert auroc([1.0, 1.0, 1.0, 1.0], [0, 1, 0, 1]) == 0.5


def test_perfect_and_reversed_rankings():
    assert auroc([1, 2, 3, 4], [0, 0, 1, 1]) == 1.0
    assert auroc([4, 3, 2, 1], [0, 0, 1, 1]) == 0.0


def test_agrees_with_the_pair_count_on_random_scores_with_ties():
    rng = np.random.default_rng(0)
    scores, labels = rng.integers(0, 6, 200).astype(float), rng.random(200) < 0.3
    pos, neg = scores[labels], scores[~labels]
    pairs = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    assert auroc(scores, labels) == pytest.approx(pairs / (len(pos) * len(neg)))


def test_average_ranks_share_ties():
    assert average_ranks(np.array([3.0, 1.0, 3.0, 2.0])).tolist() == [3.5, 1.0, 3.5, 2.0]


@pytest.mark.parametrize("scores, labels, message", [
    ([0.1, 0.2], [1, 1], "needs anomalies and normal"),
    ([0.1, float("nan")], [0, 1], "finite"),
    ([0.1, 0.2, 0.3], [0, 1], "3 scores but 2 labels"),
])
def test_refuses_what_has_no_area(scores, labels, message):
    with pytest.raises(ValueError, match=message):
        auroc(scores, labels)
