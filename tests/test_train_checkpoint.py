"""Checkpoint files: what is written, and how little a reader trusts what it finds."""

import json
import os
import shutil

import pytest
import torch

from ganzoo.errors import GanzooWarning, RunDirError
from ganzoo.train import checkpoint, resume_run, start_run


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A run with checkpoints at steps 10 and 20."""
    from tests.conftest import TINY

    out = tmp_path_factory.mktemp("template") / "run"
    start_run("vanilla-mlp", out, {**TINY, "steps": 20, "threads": 1}).fit()
    return out


@pytest.fixture
def run(template, tmp_path):
    """A fresh copy of the template run for each test to damage."""
    return shutil.copytree(template, tmp_path / "run", symlinks=True)


def _rewrite_sidecar(run, name, changes):
    sidecar = run / "checkpoints" / f"{name}.json"
    meta = json.loads(sidecar.read_text())
    meta.update(changes)
    sidecar.write_text(json.dumps(meta))
    return sidecar


def test_save_refuses_non_finite_tensors_and_writes_nothing(tmp_path):
    tensors = {"weight": torch.tensor([1.0, float("nan")]), "rng": torch.zeros(3, dtype=torch.uint8)}
    (tmp_path / "checkpoints").mkdir()
    with pytest.raises(checkpoint.NonFiniteState) as caught:
        checkpoint.save(tmp_path / "checkpoints", 1, tensors, {}, keep=2)
    assert caught.value.names == ["weight"]
    assert not any((tmp_path / "checkpoints").iterdir())


def test_latest_that_links_to_a_device_is_not_read(run):
    latest = run / "checkpoints" / "latest"
    latest.unlink()
    latest.symlink_to("/dev/zero")
    with pytest.warns(GanzooWarning, match="unusable"):
        assert checkpoint.resolve(run / "checkpoints").name == "step-000020.json"


def test_latest_that_links_to_another_file_never_shows_its_content(run, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:secret-content\n")
    latest = run / "checkpoints" / "latest"
    latest.unlink()
    latest.symlink_to(secret)
    with pytest.warns(GanzooWarning) as caught:
        checkpoint.resolve(run / "checkpoints")
    assert "secret-content" not in str(caught[0].message)


@pytest.mark.parametrize("content", ["../../other/checkpoints/step-000010", "/etc/passwd", "x" * 5000])
def test_latest_may_only_name_a_checkpoint_of_its_own_folder(run, content):
    (run / "checkpoints" / "latest").write_text(content)
    with pytest.warns(GanzooWarning) as caught:
        assert checkpoint.resolve(run / "checkpoints").name == "step-000020.json"
    assert content not in str(caught[0].message)


def test_without_latest_the_newest_checkpoint_whose_checksum_holds_is_used(run):
    (run / "checkpoints" / "latest").unlink()
    newest = run / "checkpoints" / "step-000020.safetensors"
    newest.write_bytes(newest.read_bytes()[:-3] + b"xyz")
    with pytest.warns(GanzooWarning, match="latest is missing; using step-000010"):
        assert checkpoint.resolve(run / "checkpoints").name == "step-000010.json"


@pytest.mark.parametrize(
    "field, value",
    [("step", "20"), ("step", "/etc/passwd"), ("step", 999999), ("step", True), ("step", None),
     ("sha256", 123), ("sha256", "abc"), ("elapsed", "x"), ("elapsed", -1.0), ("optim", None),
     ("optim", {"g": 1, "d": 1}), ("config", [])],
)
def test_every_sidecar_field_is_checked(run, field, value):
    sidecar = _rewrite_sidecar(run, "step-000020", {field: value})
    with pytest.raises(RunDirError, match=f"corrupt: its '{field}'"):
        checkpoint.load(sidecar)


@pytest.mark.parametrize(
    "group_change",
    [{"lr": "abc"}, {"betas": "x"}, {"betas": [0.5]}, {"eps": None}, {"params": [0, 1]}, {"extra": 1}],
)
def test_optimizer_settings_of_the_wrong_kind_are_a_clear_error(run, group_change):
    sidecar = run / "checkpoints" / "step-000020.json"
    meta = json.loads(sidecar.read_text())
    meta["optim"]["g"]["param_groups"][0].update(group_change)
    sidecar.write_text(json.dumps(meta))
    with pytest.raises(RunDirError, match="does not fit this run"):
        resume_run(run, {"steps": 30})


def test_a_checkpoint_linked_from_another_run_is_refused(run, template):
    for suffix in (".json", ".safetensors"):
        mine = run / "checkpoints" / f"step-000020{suffix}"
        mine.unlink()
        mine.symlink_to(template / "checkpoints" / f"step-000020{suffix}")
    with pytest.raises(RunDirError, match="link"):
        checkpoint.load(run / "checkpoints" / "step-000020.json")


def test_leftovers_of_a_crash_are_removed_and_complete_checkpoints_kept(run):
    folder = run / "checkpoints"
    (folder / ".step-000030.safetensors.abc123.tmp").write_bytes(b"half")
    shutil.copy(folder / "step-000010.safetensors", folder / "step-000005.safetensors")  # sidecar pruned first
    checkpoint.remove_leftovers(folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "latest", "step-000010.json", "step-000010.safetensors", "step-000020.json", "step-000020.safetensors"]


def test_resuming_an_earlier_checkpoint_abandons_the_later_ones(run):
    resume_run(run, {"steps": 20}, checkpoint="10")
    assert checkpoint.list_steps(run / "checkpoints") == [10]
    assert (run / "checkpoints" / "latest").read_text().strip() == "step-000010"


def test_latest_stays_valid_when_fewer_checkpoints_are_kept_after_an_earlier_one(run):
    trainer = resume_run(run, {"steps": 15, "keep_checkpoints": 1, "checkpoint_every": 5}, checkpoint="10")
    trainer.fit()
    tensors, meta = checkpoint.load(checkpoint.resolve(run / "checkpoints"))
    assert meta["step"] == 15 and checkpoint.list_steps(run / "checkpoints") == [15]


def test_a_checkpoint_readable_only_through_a_link_of_the_run_folder_itself_loads(run, tmp_path):
    alias = tmp_path / "alias"
    os.symlink(run, alias)  # a run reached through a linked folder is still its own
    tensors, meta = checkpoint.load(checkpoint.resolve(alias / "checkpoints"))
    assert meta["step"] == 20
