"""The installed package: visible to ganzoo, keeps its contract, and trains."""

import json
import subprocess
import sys

import ganzoo
import pytest
from ganzoo.testing import check_model, check_plugin

PACKAGE = "ganzoo-relativistic"


def test_installed_entry_points_are_listed():
    names = {(p.kind, p.name) for p in ganzoo.list_plugins(pattern=f"{PACKAGE}:*")}
    assert names == {("objective", "ragan"), ("objective", "ralsgan"),
                     ("model", "ragan-mlp"), ("model", "ralsgan-mlp")}
    assert all(p.status == "ok" and p.api == "1.0" for p in ganzoo.list_plugins(pattern=f"{PACKAGE}:*"))


def test_every_entry_point_keeps_the_contract():
    assert len(check_plugin(PACKAGE)) == 4


@pytest.mark.parametrize("model", ["ragan-mlp", "ralsgan-mlp"])
def test_models_train_on_images(model):
    check_model(model, data=ganzoo.DataInfo((1, 8, 8), bounded=True))


def test_ganzoo_list_shows_the_models():
    out = subprocess.run([sys.executable, "-m", "ganzoo", "list", "--kind", "model", "--json"],
                         capture_output=True, text=True, check=True).stdout
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["ragan-mlp"]["package"] == PACKAGE and rows["ragan-mlp"]["status"] == "ok"


def test_ganzoo_trains_a_model(tmp_path):
    run = tmp_path / "run"
    subprocess.run([sys.executable, "-m", "ganzoo", "train", "ragan-mlp", "--data", "ring8", "--steps", "20",
                    "--set", "batch_size=16", "--out", str(run)], capture_output=True, text=True, check=True)
    config = json.loads((run / "config.json").read_text())
    assert "ganzoo-relativistic" in json.dumps(config)
