"""Keeping some classes of labelled data (``classes`` / ``exclude_classes``): both splits are
cut, labels keep their numbers, and every way to get it wrong is one ConfigError."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from ganzoo.api import DataInfo
from ganzoo.data import load_dataset
from ganzoo.data.arrays import ArrayDataset
from ganzoo.data.base import Dataset
from ganzoo.data.subset import ClassSubset, select_classes
from ganzoo.errors import ConfigError
from ganzoo.train.build import build, resolve_config
from ganzoo.train.config import TrainConfig, apply_overrides, parse_assignments


def _drawn_labels(dataset, n=2000):
    return set(dataset.sample(n, torch.Generator().manual_seed(0))[1].tolist())


def test_exclude_leaves_one_digit_out_of_both_splits():
    digits = load_dataset("digits")
    cut = select_classes(digits, exclude=[3])
    assert 3 not in set(cut.train_labels.tolist()) and 3 not in set(cut.test_labels.tolist())
    assert len(cut.train) == int((digits.train_labels != 3).sum())
    assert _drawn_labels(cut) == set(range(10)) - {3}
    assert cut.info.num_classes == 10  # labels keep their numbers
    assert 3 in set(digits.train_labels.tolist())  # the original is left as it was


def test_classes_keeps_only_those():
    cut = select_classes(load_dataset("digits"), classes=[0, 7])
    assert _drawn_labels(cut) == {0, 7} and set(cut.test_split()[1].tolist()) == {0, 7}


def _arrays(classes=None):
    samples = np.arange(30 * 4, dtype=np.float32).reshape(30, 4)
    dataset = ArrayDataset(samples, train_rows=np.arange(24), test_rows=np.arange(24, 30),
                           labels=np.arange(30) % 3, num_classes=3)
    if classes:
        dataset.classes = classes
    return dataset


def test_array_data_by_label_and_by_class_folder_name():
    cut = select_classes(_arrays(), exclude=[1])
    assert _drawn_labels(cut) == {0, 2} and set(cut.test_split()[1].tolist()) == {0, 2}
    named = select_classes(_arrays(("cat", "dog", "eel")), classes=["eel"])
    assert _drawn_labels(named) == {2}


class _Stream(Dataset):
    """Labelled data known only by its draws."""

    name = "stream"

    def __init__(self):
        super().__init__()
        self.info = DataInfo((1,), bounded=False, num_classes=4)

    def sample(self, n, generator):
        y = torch.randint(4, (n,), generator=generator)
        return y[:, None].float(), y

    def test_split(self):
        y = torch.arange(8) % 4
        return y[:, None].float(), y


def test_any_other_labelled_dataset_is_drawn_until_enough_kept_samples_came():
    cut = select_classes(_Stream(), classes=[2])
    assert isinstance(cut, ClassSubset)
    x, y = cut.sample(50, torch.Generator().manual_seed(0))
    assert len(x) == 50 and set(y.tolist()) == {2} and (x[:, 0] == 2).all()
    assert set(cut.test_split()[1].tolist()) == {2}
    again = cut.sample(50, torch.Generator().manual_seed(0))[0]
    assert torch.equal(x, again)  # still a pure function of the RNG state


@pytest.mark.parametrize("data, keep, exclude, message", [
    ("ring8", [1], None, "needs labelled data"),
    ("digits", [12], None, "no class 12"),
    ("digits", None, ["seven"], "no class 'seven'"),
    ("digits", None, list(range(10)), "leaves no class"),
    ("digits", [1], [2], "not both"),
])
def test_bad_choices_are_refused(data, keep, exclude, message):
    with pytest.raises(ConfigError, match=message):
        select_classes(load_dataset(data), keep, exclude)


def test_settings_parse_validate_and_are_recorded(tmp_path):
    config = resolve_config("vanilla-mlp", parse_assignments(["exclude_classes=3", "steps=2", "threads=1"]))
    assert config.exclude_classes == [3] and config.classes is None
    assert apply_overrides(TrainConfig(), parse_assignments(["classes=0,1,2"]), {}).classes == [0, 1, 2]
    with pytest.raises(ConfigError, match="not both"):
        apply_overrides(TrainConfig(), {"classes": [1], "exclude_classes": [2]}, {})
    with pytest.raises(ConfigError, match="class numbers or names"):
        apply_overrides(TrainConfig(), {"classes": 1.5}, {})
    parts = build(config, torch.device("cpu"))
    assert 3 not in set(parts.dataset.train_labels.tolist())

    from ganzoo.train import start_run

    trainer = start_run("vanilla-mlp", tmp_path / "run", {"exclude_classes": [3], "steps": 2, "threads": 1})
    assert trainer.fit() == "done"
    record = json.loads((tmp_path / "run" / "config.json").read_text())
    assert record["config"]["exclude_classes"] == [3]


def test_a_resume_may_not_change_the_classes(tmp_path):
    from ganzoo.train import resume_run, start_run

    start_run("vanilla-mlp", tmp_path / "run", {"exclude_classes": [3], "steps": 2, "threads": 1}).fit()
    with pytest.raises(ConfigError, match="exclude_classes"):
        resume_run(tmp_path / "run", {"exclude_classes": [4], "steps": 4})
