"""``ganzoo sample --out X.npz [--labels ...]``: a conditional run's samples with their labels as
a dataset that ``--data`` and the classifier read back (ganzoo/sampling.py, ganzoo/cli/training.py)."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from ganzoo import sampling
from ganzoo.cli import cli
from ganzoo.errors import ConfigError

SMALL = ["--set", "threads=1", "--set", "generator.hidden=16,16", "--set", "discriminator.hidden=16",
         "--set", "batch_size=16"]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _error(result):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def _trained(tmp_path_factory, name, *args):
    """A 3-step run of ``name`` (``args``: more ``ganzoo train`` options), its directory."""
    out = tmp_path_factory.mktemp("runs") / name
    result = invoke("train", name, "--steps", 3, *SMALL, *args, "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def cgan_run(tmp_path_factory):
    return _trained(tmp_path_factory, "cgan")


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory):
    return _trained(tmp_path_factory, "vanilla-mlp", "--data", "digits")


@pytest.fixture(scope="module")
def ring_run(tmp_path_factory):
    return _trained(tmp_path_factory, "vanilla-mlp", "--data", "ring8")


def test_npz_holds_images_in_data_space_and_labels_cycling_over_the_ones_asked_for(cgan_run, tmp_path):
    out = tmp_path / "aug.npz"
    result = invoke("sample", cgan_run, "--labels", "0-4,7", "--n", 14, "--out", out)
    assert result.exit_code == 0, result.output
    with np.load(out) as npz:
        assert sorted(npz.keys()) == ["x", "y"]
        x, y = npz["x"], npz["y"]
    assert x.shape == (14, 1, 8, 8) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert y.dtype == np.int64 and y.tolist() == [0, 1, 2, 3, 4, 7] * 2 + [0, 1]


def test_without_labels_a_conditional_run_draws_every_class_and_the_npy_holds_the_same_samples(cgan_run, tmp_path):
    assert invoke("sample", cgan_run, "--n", 25, "--seed", 4, "--out", tmp_path / "all.npz").exit_code == 0
    assert invoke("sample", cgan_run, "--n", 25, "--seed", 4, "--labels", "0-9", "--out", tmp_path / "l.npz").exit_code == 0
    assert invoke("sample", cgan_run, "--n", 25, "--seed", 4, "--out", tmp_path / "all.npy").exit_code == 0
    with np.load(tmp_path / "all.npz") as a, np.load(tmp_path / "l.npz") as b:
        assert a["y"].tolist() == list(range(10)) * 2 + list(range(5))
        np.testing.assert_array_equal(a["x"], b["x"])
        np.testing.assert_array_equal(a["x"], np.load(tmp_path / "all.npy"))


def test_the_labels_condition_the_generator(cgan_run):
    generator, dataset, _ = sampling.load_run(cgan_run)
    threes = sampling.sample(generator, dataset, 8, seed=1, labels=[3])
    sevens = sampling.sample(generator, dataset, 8, seed=1, labels=[7])
    assert not np.allclose(threes, sevens)  # same latents, other label: other images


def test_an_unconditional_npz_holds_samples_only(plain_run, tmp_path):
    out = tmp_path / "u.npz"
    assert invoke("sample", plain_run, "--n", 6, "--out", out).exit_code == 0
    with np.load(out) as npz:
        assert list(npz.keys()) == ["x"] and npz["x"].shape == (6, 1, 8, 8)


def test_train_reads_the_npz_back_with_its_labels(cgan_run, tmp_path):
    from ganzoo.data import load_dataset
    from ganzoo.data.arrays import fixed_split
    from ganzoo.metrics.classifier import can_classify

    data = tmp_path / "aug.npz"
    assert invoke("sample", cgan_run, "--n", 40, "--out", data).exit_code == 0
    dataset = load_dataset(str(data))
    assert dataset.info.shape == (1, 8, 8) and dataset.info.num_classes == 10 and can_classify(dataset)
    with np.load(data) as npz:  # the layout read back: the same images, mapped to model space
        x, y = npz["x"], npz["y"]
    _, test_rows = fixed_split(40, 4)  # files hold out a fixed 10 %
    model, labels = dataset.test_split()
    np.testing.assert_allclose(model.numpy(), x[test_rows] * 2 - 1, atol=1e-6)
    assert labels.tolist() == y[test_rows].tolist()
    result = invoke("train", "cgan", "--data", data, "--steps", 2, *SMALL, "--out", tmp_path / "again")
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "again" / "config.json").read_text())
    assert record["data_info"]["num_classes"] == 10


def test_the_classifier_reads_the_samples(cgan_run, tmp_path):
    from ganzoo.metrics.classifier import ConvClassifier, Classifier

    assert invoke("sample", cgan_run, "--n", 20, "--out", tmp_path / "aug.npz").exit_code == 0
    with np.load(tmp_path / "aug.npz") as npz:
        x = npz["x"]
    classifier = Classifier(ConvClassifier((1, 8, 8), 10), "", 0.0, cached=False)
    predicted = classifier.predict(x)
    assert predicted.shape == (20,) and set(predicted.tolist()) <= set(range(10))


def test_a_png_of_chosen_labels(cgan_run, tmp_path):
    assert invoke("sample", cgan_run, "--labels", "3", "--n", 4, "--out", tmp_path / "threes.png").exit_code == 0
    assert (tmp_path / "threes.png").stat().st_size > 0


@pytest.mark.parametrize("labels, message", [
    ("3-", "'3-' is neither a label nor a range"),
    ("a,b", "'a' is neither a label nor a range"),
    ("1,,2", "'' is neither a label nor a range"),
    ("5-2", "runs downwards; write it 2-5"),
    ("0-10", "10 is not among this run's classes 0-9"),
    ("12", "12 is not among this run's classes 0-9"),
    ("0-4,3", "gives 3 twice"),
])
def test_bad_labels_exit_2_with_one_line_and_write_nothing(cgan_run, tmp_path, labels, message):
    output = _error(CliRunner().invoke(cli, ["sample", str(cgan_run), "--labels", labels, "--out",
                                             str(tmp_path / "aug.npz")]))
    assert message in output and not list(tmp_path.iterdir())


def test_labels_on_an_unconditional_run_are_refused(plain_run, tmp_path):
    output = _error(CliRunner().invoke(cli, ["sample", str(plain_run), "--labels", "0-9", "--out",
                                             str(tmp_path / "aug.npz")]))
    assert "unconditional" in output and "drop --labels" in output and not list(tmp_path.iterdir())


def test_a_failed_npz_write_leaves_neither_the_file_nor_a_temporary(cgan_run, tmp_path, monkeypatch):
    def diverged(*args, **kwargs):
        yield 0, np.zeros((1, 1, 8, 8), np.float32), np.zeros(1, np.int64)
        raise sampling.RunDirError("the generator yields NaN or infinite samples")

    monkeypatch.setattr(sampling, "_batches", diverged)
    output = _error(CliRunner().invoke(cli, ["sample", str(cgan_run), "--out", str(tmp_path / "aug.npz")]))
    assert "NaN" in output and not list(tmp_path.iterdir())


def test_parse_labels_keeps_the_order_given():
    assert sampling.parse_labels(" 7, 0-2 ,5", 10) == [7, 0, 1, 2, 5]
    with pytest.raises(ConfigError, match="unconditional"):
        sampling.parse_labels("1", 0)


def test_sample_refuses_labels_outside_the_classes_from_python(cgan_run):
    generator, dataset, _ = sampling.load_run(cgan_run)
    with pytest.raises(ConfigError, match="classes 0-9"):
        sampling.sample(generator, dataset, 4, labels=[10])


def test_rejection_draws_the_asked_number_through_a_fitted_classifier_the_same_for_a_seed(ring_run, tmp_path):
    from ganzoo.cli.training import REJECTION_STEPS
    from ganzoo.rejection import RejectionSettings

    assert REJECTION_STEPS == RejectionSettings.steps
    for name in ("a.npy", "b.npy"):
        result = invoke("sample", ring_run, "--rejection", "--rejection-steps", 20, "--n", 50, "--out", tmp_path / name)
        assert result.exit_code == 0, result.output
    plain = tmp_path / "plain.npy"
    assert invoke("sample", ring_run, "--n", 50, "--out", plain).exit_code == 0
    a, b = np.load(tmp_path / "a.npy"), np.load(tmp_path / "b.npy")
    assert a.shape == (50, 2) and np.array_equal(a, b) and not np.array_equal(a, np.load(plain))


def test_rejection_is_refused_for_images_with_nothing_written(plain_run, tmp_path):
    # a conditional point run is refused by ganzoo.rejection itself (tests/test_rejection.py)
    out = tmp_path / "x.npy"
    message = _error(invoke("sample", plain_run, "--rejection", "--out", out))
    assert "--rejection is for point data" in message and "leave --rejection out" in message
    assert not out.exists()
