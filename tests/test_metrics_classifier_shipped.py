"""The digits classifier every machine scores with: its training does not depend on the
caller's threads, and the embedded digits' one ships with ganzoo (test_metrics_classifier.py
runs under a shortened recipe; these need the real one)."""

import torch

from ganzoo import registry
from ganzoo.metrics import classifier


def test_the_weights_do_not_depend_on_the_callers_threads(monkeypatch):
    monkeypatch.setitem(classifier.RECIPE, "steps", 30)  # enough for two threads to part ways
    digits = registry.create("dataset", "digits")
    before, weights = torch.get_num_threads(), []
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            weights.append(classifier._train(digits).state_dict())
            assert torch.get_num_threads() == threads  # the caller's setting, restored
    finally:
        torch.set_num_threads(before)
    assert all(torch.equal(value, weights[1][name]) for name, value in weights[0].items())


def test_the_embedded_digits_classifier_ships_with_ganzoo(tmp_path):
    found = classifier.get_classifier(registry.create("dataset", "digits"), tmp_path)
    # the weights the digits table was scored with (benchmarks/quality/RESULTS.md)
    assert found.cached and found.weights_sha256 == "7914935d9c598dd974b866946aa2929d8553b7eb461a317ee44cc9d70cb7b1a0"
    assert not any(tmp_path.iterdir())  # nothing trained, nothing written
