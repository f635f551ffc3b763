"""ganzoo/train/rundata.py: `ganzoo sample` and `ganzoo eval` from the run directory, even when
the data file the run was trained on has moved."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from ganzoo.cli import cli
from ganzoo.data.base import Dataset
from ganzoo.train import rundata

SMALL = ["--steps", "3", "--set", "generator.hidden=16", "--set", "discriminator.hidden=16",
         "--set", "batch_size=8", "--set", "checkpoint_every=3", "--set", "sample_every=3"]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _points(path):
    np.save(path, np.random.default_rng(0).normal(size=(60, 2)).astype(np.float32))


def _images(path):
    np.save(path, np.random.default_rng(0).integers(0, 256, size=(60, 1, 4, 4), dtype=np.uint8))


@pytest.fixture(scope="module", params=[_points, _images], ids=["points", "images"])
def moved_run(request, tmp_path_factory):
    """A run trained on a user's file, its samples drawn then, and the file moved away.
    Shared by the tests of a module: each writes files of its own names only."""
    tmp_path = tmp_path_factory.mktemp("moved")
    data = tmp_path / "data.npy"
    request.param(data)
    run = tmp_path / "run"
    result = invoke("train", "vanilla-mlp", "--data", data, "--out", run, *SMALL)
    assert result.exit_code == 0, result.output
    assert invoke("sample", run, "--n", 20, "--out", tmp_path / "before.npy").exit_code == 0
    data.rename(tmp_path / "moved.npy")
    return run, tmp_path


def test_sample_draws_the_same_samples_after_the_data_moved(moved_run):
    run, tmp = moved_run
    result = invoke("sample", run, "--n", 20, "--out", tmp / "after.npy")
    assert result.exit_code == 0, result.output
    np.testing.assert_array_equal(np.load(tmp / "after.npy"), np.load(tmp / "before.npy"))


def test_a_scatter_plot_needs_no_data(moved_run):
    run, tmp = moved_run
    result = invoke("sample", run, "--n", 20, "--out", tmp / "after.png")
    assert result.exit_code == 0, result.output
    assert (tmp / "after.png").stat().st_size > 0


def test_eval_without_the_data_asks_for_it(moved_run):
    run, _ = moved_run
    result = invoke("eval", run, "--n", 50)
    assert result.exit_code == 2
    assert "does not exist" in result.output and "pass its new place with --data" in result.output
    assert "Traceback" not in result.output


def test_eval_takes_the_data_from_its_new_place(moved_run):
    run, tmp = moved_run
    result = invoke("eval", run, "--n", 50, "--data", tmp / "moved.npy")
    assert result.exit_code == 0, result.output
    assert json.loads((run / "eval.json").read_text())["n"] == 50


def test_eval_refuses_data_of_another_shape(moved_run):
    run, tmp = moved_run
    np.save(tmp / "other.npy", np.zeros((10, 3), dtype=np.float32))
    result = invoke("eval", run, "--n", 50, "--data", tmp / "other.npy")
    assert result.exit_code == 2 and "is not the data the run was trained on" in result.output


def test_a_config_without_data_info_records_nothing():
    assert rundata.recorded_info({}) is None
    assert rundata.recorded_info({"data_info": {"shape": [2], "bounded": False, "num_classes": 0}}).shape == (2,)


def test_only_datasets_with_the_base_mapping_can_be_stood_in_for(monkeypatch):
    class Scaled(Dataset):
        def to_data_space(self, x):
            return 10 * x

    from ganzoo import registry

    assert rundata.keeps_base_mapping("/gone/points.npy") and rundata.keeps_base_mapping("digits")
    monkeypatch.setattr(registry, "get", lambda kind, name: Scaled)
    assert not rundata.keeps_base_mapping("scaled")
