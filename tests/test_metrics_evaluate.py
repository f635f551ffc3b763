import math

import numpy as np
import pytest
import torch

from ganzoo.api import DataInfo, Generator
from ganzoo.data.digits import Digits
from ganzoo.data.toy import Grid25, Ring8
from ganzoo.metrics import classifier
from ganzoo.metrics.evaluate import default_samples, evaluate, protocol_for, real_samples, to_json


class ModeGenerator(Generator):
    """Emits the first ``k`` modes of a mixture in turn, exactly."""

    def __init__(self, modes: torch.Tensor, k: int):
        super().__init__(DataInfo((2,), bounded=False), latent_dim=1)
        self.anchor = torch.nn.Parameter(modes[:k].clone())

    def forward(self, z, labels=None):
        index = torch.arange(len(z)) % len(self.anchor)
        return self.anchor[index]


class NoiseImages(Generator):
    def __init__(self):
        super().__init__(DataInfo((1, 8, 8), bounded=True), latent_dim=64)
        self.scale = torch.nn.Parameter(torch.ones(()))

    def forward(self, z, labels=None):
        return torch.tanh(self.scale * z).view(len(z), 1, 8, 8)


def test_protocol_follows_the_dataset():
    assert protocol_for(Ring8()) == "modes" and protocol_for(Digits()) == "images"
    assert default_samples(Grid25()) == 2500 and default_samples(Digits()) == 10_000


def test_mode_protocol_on_a_generator_that_covers_four_modes():
    data = Ring8()
    result = evaluate(ModeGenerator(data.modes, 4), data)
    coverage = result["mode_coverage"]
    assert result["n"] == 2500 and coverage["modes"] == 4 and coverage["high_quality"] == 1.0
    assert math.isclose(coverage["reverse_kl"], math.log(2))


def test_image_protocol_scores_parzen_and_classifier(monkeypatch, tmp_path):
    monkeypatch.setitem(classifier.RECIPE, "steps", 5)
    monkeypatch.setitem(classifier.RECIPE, "batch_size", 16)
    result = evaluate(NoiseImages(), Digits(), n=300, cache=tmp_path)
    assert result["parzen"]["log_likelihood"] < result["parzen_reference"]["log_likelihood"]
    assert result["classifier"]["fid"] > result["classifier"]["reference_fid"]
    assert sum(result["classifier"]["labels"]["counts"]) == 300


def test_real_samples_are_a_validation_set_and_a_pool_in_data_space():
    validation, pool = real_samples(Digits(), 500)
    assert validation.shape == (300, 1, 8, 8) and pool.shape == (500, 1, 8, 8)
    assert 0.0 <= pool.min() and pool.max() <= 1.0


def test_json_has_no_nan():
    assert to_json({"a": [float("nan"), np.float64(1.5)], "b": float("inf")}) == {"a": [None, 1.5], "b": None}


@pytest.mark.parametrize("data", [Ring8(), Grid25()])
def test_evaluation_is_reproducible_from_its_seed(data):
    gen = ModeGenerator(data.modes, 3)
    assert evaluate(gen, data, seed=4) == evaluate(gen, data, seed=4)
