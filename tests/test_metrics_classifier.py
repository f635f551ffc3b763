import pytest
import torch

from ganzoo.data.base import TensorDataset
from ganzoo.data.toy import Ring8
from ganzoo.metrics import classifier


def two_class_images(labelled: bool = True) -> TensorDataset:
    """Dark images are class 0, bright ones class 1 (model space, 1×4×4)."""
    g = torch.Generator().manual_seed(0)
    y = torch.arange(64) % 2
    x = (y.float() * 1.2 - 0.6).view(-1, 1, 1, 1) + 0.1 * torch.randn(64, 1, 4, 4, generator=g)
    ds = TensorDataset(x[:48], x[48:], bounded=True, train_labels=y[:48] if labelled else None,
                       test_labels=y[48:] if labelled else None, num_classes=2)
    ds.name = "two-class"
    return ds


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One short training shared by the tests: (cache directory, classifier)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(classifier.RECIPE, "steps", 40)
        mp.setitem(classifier.RECIPE, "batch_size", 16)
        cache = tmp_path_factory.mktemp("classifiers")
        yield cache, classifier.get_classifier(two_class_images(), cache)


def test_only_labelled_images_can_be_classified():
    assert classifier.can_classify(two_class_images())
    assert not classifier.can_classify(two_class_images(labelled=False))
    assert not classifier.can_classify(Ring8())


def test_trained_classifier_separates_the_classes(trained):
    _, model = trained
    assert model.test_accuracy == 1.0 and not model.cached


def test_features_have_the_feature_width(trained):
    _, model = trained
    assert model.features(torch.rand(5, 1, 4, 4).numpy()).shape == (5, classifier.RECIPE["features"])


def test_second_call_loads_the_cache_with_the_same_weights(trained, monkeypatch):
    cache, first = trained
    monkeypatch.setitem(classifier.RECIPE, "steps", 40)
    monkeypatch.setitem(classifier.RECIPE, "batch_size", 16)
    second = classifier.get_classifier(two_class_images(), cache)
    assert second.cached and second.weights_sha256 == first.weights_sha256


def test_damaged_cache_is_not_trusted(trained, tmp_path):
    cache, _ = trained
    (weights,) = cache.glob("*.safetensors")
    copy = tmp_path / weights.name
    copy.write_bytes(weights.read_bytes()[:-1] + b"x")
    (tmp_path / weights.with_suffix(".json").name).write_text(weights.with_suffix(".json").read_text())
    assert classifier._load_cached(copy, two_class_images()) is None


def test_cache_directory_follows_ganzoo_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("GANZOO_CACHE", str(tmp_path))
    assert classifier.cache_dir() == tmp_path / "classifiers"


def test_unlabelled_data_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no labelled images"):
        classifier.get_classifier(two_class_images(labelled=False), tmp_path)

