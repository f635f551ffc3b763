import json
import math

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from ganzoo.api import DataInfo, Generator
from ganzoo.cli import cli
from ganzoo.data.stacked import StackedDigits
from ganzoo.metrics import classifier
from ganzoo.metrics.evaluate import default_samples, evaluate, protocol_for
from ganzoo.metrics.stacked import stacked_modes

#: a shortened classifier recipe: about 95 % test accuracy, enough to read digits
SHORT_RECIPE = {"steps": 200}


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Small convolutions run fastest on one thread, and far slower on a busy machine's two."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def cache(one_thread, tmp_path_factory):
    """A classifier cache, ``GANZOO_CACHE/classifiers``, holding the digits classifier of the
    short recipe (trained once here)."""
    folder = tmp_path_factory.mktemp("cache") / "classifiers"
    with pytest.MonkeyPatch.context() as mp:
        for key, value in SHORT_RECIPE.items():
            mp.setitem(classifier.RECIPE, key, value)
        classifier.get_classifier(StackedDigits.channel_dataset(), folder)
    return folder


@pytest.fixture(autouse=True)
def short_recipe(monkeypatch):
    for key, value in SHORT_RECIPE.items():
        monkeypatch.setitem(classifier.RECIPE, key, value)


@pytest.fixture
def digits_classifier(cache):
    found = classifier.get_classifier(StackedDigits.channel_dataset(), cache)
    assert found.cached
    return found


class Repeated(Generator):
    """A collapsed generator: the same image whatever the latent."""

    def __init__(self, image: torch.Tensor):
        super().__init__(DataInfo(tuple(image.shape), bounded=True), latent_dim=4)
        self.image = torch.nn.Parameter(image.clone())

    def forward(self, z, labels=None):
        return self.image.expand(len(z), *self.image.shape) + 0 * z.sum()


class ByBrightness:
    """A stand-in classifier: the digit is the image's mean brightness times ten."""

    weights_sha256, test_accuracy = "0" * 64, 1.0

    def predict(self, x, progress=None):
        return np.floor(np.asarray(x).reshape(len(x), -1).mean(axis=1) * 10).astype(np.int64)


def test_the_first_channel_is_the_leading_digit():
    images = np.zeros((2, 3, 8, 8))
    images[0, 0], images[0, 1], images[0, 2] = 0.75, 0.35, 0.05  # digits 7, 3, 0
    images[1, 2] = 0.95  # digits 0, 0, 9
    counts = np.array(stacked_modes(images, ByBrightness())["counts"])
    assert len(counts) == 1000 and np.flatnonzero(counts).tolist() == [9, 730]


def test_the_data_own_test_split_covers_all_modes_nearly_uniformly(digits_classifier):
    data = StackedDigits()
    images = data.to_data_space(data.test_split()[0]).numpy()
    result = stacked_modes(images, digits_classifier)
    assert result["total"] == 1000 and result["covered"] >= 998
    assert result["kl_to_uniform"] < 0.05


def test_a_collapsed_generator_covers_one_mode(cache):
    data = StackedDigits()
    result = evaluate(Repeated(data.test_split()[0][0]), data, n=2000, cache=cache)
    modes = result["stacked_modes"]
    assert result["protocol"] == "stacked" and modes["covered"] == 1
    assert math.isclose(modes["kl_to_uniform"], math.log(1000))


def test_stacked_digits_draw_the_papers_sample_count():
    assert protocol_for(StackedDigits()) == "stacked" and default_samples(StackedDigits()) == 26_000


def test_eval_prints_the_stacked_modes_of_a_run(cache, tmp_path, monkeypatch):
    monkeypatch.setenv("GANZOO_CACHE", str(cache.parent))
    run = tmp_path / "run"
    train = ["train", "dcgan", "--data", "stacked-digits", "--steps", "3", "--out", str(run),
             "--set", "batch_size=8", "--set", "generator.width=4", "--set", "discriminator.width=4",
             "--set", "sample_every=3", "--set", "checkpoint_every=3"]
    assert CliRunner().invoke(cli, train, catch_exceptions=False).exit_code == 0
    result = CliRunner().invoke(cli, ["eval", str(run), "--n", "500"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads((run / "eval.json").read_text())["stacked_modes"]
    assert report["total"] == 1000 and sum(report["counts"]) == 500
    assert f"{report['covered']} / 1000" in result.output and "mode KL to uniform" in result.output
