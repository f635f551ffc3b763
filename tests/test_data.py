import importlib
import sys
import types

import numpy as np
import pytest

import ganzoo
from ganzoo.data import load_dataset, looks_like_path
from ganzoo.data.digits import Digits
from ganzoo.data.files import UserData
from ganzoo.data.toy import Ring8
from ganzoo.errors import DataError, UnknownNameError


@pytest.fixture
def stub_registry(monkeypatch):
    """A registry that knows only ``ring8``, so dispatch is tested on its own."""

    def get(kind, name):
        assert kind == "dataset"
        if name == "ring8":
            return Ring8
        raise UnknownNameError(f"unknown dataset {name!r}")

    stub = types.SimpleNamespace(get=get)
    # Import the real registry first: ganzoo's lazy attribute would otherwise hand monkeypatch
    # the stub as the "old" value, and the stub would outlive this test.
    importlib.import_module("ganzoo.registry")
    monkeypatch.setitem(sys.modules, "ganzoo.registry", stub)
    monkeypatch.setattr(ganzoo, "registry", stub)


@pytest.mark.parametrize("text", ["a/b", "data.npy", "DATA.NPZ", "./digits"])
def test_paths_are_recognised(text):
    assert looks_like_path(text)


@pytest.mark.parametrize("text", ["digits", "ring8", "my-plugin:faces"])
def test_names_are_not_paths(text):
    assert not looks_like_path(text)


def test_npy_path_loads_user_data(tmp_path):
    np.save(tmp_path / "p.npy", np.zeros((10, 2), np.float32))
    d = load_dataset(str(tmp_path / "p.npy"), seed=3)
    assert isinstance(d, UserData) and d.seed == 3


def test_missing_npy_path_is_a_data_error(tmp_path):
    with pytest.raises(DataError):
        load_dataset(str(tmp_path / "missing.npz"))


def test_name_is_built_with_the_options(stub_registry):
    d = load_dataset("ring8", seed=7, data_dir="somewhere", download=True)
    assert isinstance(d, Ring8) and (d.seed, d.data_dir, d.download) == (7, "somewhere", True)


def test_registered_name_wins_over_a_folder_of_that_name(stub_registry, tmp_path, monkeypatch):
    (tmp_path / "ring8").mkdir()
    monkeypatch.chdir(tmp_path)
    assert isinstance(load_dataset("ring8"), Ring8)


def test_unregistered_name_of_an_existing_folder_loads_it(stub_registry, tmp_path, monkeypatch):
    from PIL import Image

    (tmp_path / "faces").mkdir()
    for i in range(2):
        Image.new("L", (4, 4)).save(tmp_path / "faces" / f"{i}.png")
    monkeypatch.chdir(tmp_path)
    assert isinstance(load_dataset("faces"), UserData)


def test_unknown_name_raises_the_registry_error(stub_registry):
    with pytest.raises(UnknownNameError):
        load_dataset("ring9")


# Through the real registry and ganzoo's own entry points.


def test_digits_resolves_through_the_registry():
    assert isinstance(load_dataset("digits"), Digits)


def test_unknown_dataset_name_suggests_a_close_one():
    with pytest.raises(UnknownNameError, match="did you mean 'ring8'"):
        load_dataset("ring9")


@pytest.mark.parametrize("name", ["", "  "])
def test_empty_data_name_is_an_error_not_the_working_directory(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match="no data given"):
        load_dataset(name)
