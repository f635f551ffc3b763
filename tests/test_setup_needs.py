"""scripts/setup_needs.py: what an environment needs, decided on stated facts (nothing installs)."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_setup_needs():
    spec = importlib.util.spec_from_file_location("setup_needs", ROOT / "scripts" / "setup_needs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


setup_needs = _load_setup_needs()

PYPROJECT = """\
[build-system]
requires = ["setuptools>=64", "wheel", "torch>=2.4", "ninja"]

[project]
name = "ganzoo"
dependencies = ["torch>=2.4", "numpy>=1.24"]

[project.optional-dependencies]
dev = ["pytest>=7"]
tensorboard = ["tensorboard>=2.12"]
all = ["ganzoo[dev,tensorboard]"]
"""


@pytest.fixture
def sources(tmp_path):
    """A checkout's worth of the files set-up reads, small."""
    repo = tmp_path / "repo"
    (repo / "csrc").mkdir(parents=True)
    (repo / "ganzoo").mkdir()
    (repo / "pyproject.toml").write_text(PYPROJECT)
    (repo / "setup.py").write_text("from setuptools import setup\nsetup()\n")
    (repo / "ganzoo" / "_version.py").write_text('__version__ = "0.1.0"\n')
    (repo / "csrc" / "ops.cpp").write_text("// the op\n")
    plugin = repo / "plugins" / "ganzoo-relativistic"
    plugin.mkdir(parents=True)
    (plugin / "pyproject.toml").write_text('[project]\nname = "ganzoo-relativistic"\n')
    return repo, plugin


def wanted(sources, extras=("dev",)):
    repo, plugin = sources
    return setup_needs.wanted_for(repo, plugin, extras)


def up_to_date(want):
    """An environment set up from `want`'s sources, with everything in place."""
    return setup_needs.Installed(
        has_pip=True,
        versions={
            "torch": f"{want.torch}+cpu", "numpy": "2.1.0", "pytest": "8.0", "tensorboard": "2.21.0",
            "setuptools": "70.0", "wheel": "0.43", "ninja": "1.11.1", "pip": "24.0",
        },
        editable_from={"ganzoo": str(want.repo.resolve()),
                       "ganzoo-relativistic": str(want.plugin.resolve())},
        op_loads=True,
        stamp={"ganzoo": want.ganzoo_key, "op_built": True, "plugin": want.plugin_key},
    )


def planned(want, installed):
    return [step.says for step in setup_needs.plan_installs("/env/bin/python", want, installed)]


def _ganzoo_step(steps):
    return next(step for step in steps if step.records == "ganzoo")


# ---- what needs installing --------------------------------------------------------------------


def test_nothing_to_do_when_the_environment_matches_the_sources(sources):
    want = wanted(sources)
    assert planned(want, up_to_date(want)) == []


def test_an_empty_environment_gets_everything_in_order(sources):
    steps = setup_needs.plan_installs("/env/bin/python", wanted(sources), setup_needs.Installed())
    assert [s.argv[:3] for s in steps] == [("/env/bin/python", "-m", "ensurepip")] + [
        ("/env/bin/python", "-m", "pip")] * 4
    assert steps[1].argv[-1] == f"torch=={setup_needs.TORCH_VERSION}"
    assert steps[2].argv[4:] == ("setuptools>=64", "wheel", "ninja")  # torch has its own step
    assert [s.records for s in steps[3:]] == ["ganzoo", "plugin"]


def test_a_dependency_added_to_pyproject_reinstalls_ganzoo(sources):
    installed = up_to_date(wanted(sources))
    pyproject = sources[0] / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"numpy>=1.24"', '"numpy>=1.24", "tqdm>=4"'))
    steps = setup_needs.plan_installs("/env/bin/python", wanted(sources), installed)
    assert "tqdm>=4" in _ganzoo_step(steps).because


def test_an_extra_is_read_from_pyproject_with_the_extras_it_names(sources):
    want = wanted(sources, extras=("all",))
    assert set(want.requires) == {"numpy>=1.24", "pytest>=7", "tensorboard>=2.12"}


def test_a_requirement_of_a_chosen_extra_that_is_missing_is_installed(sources):
    want = wanted(sources, extras=("dev", "tensorboard"))
    installed = up_to_date(want)
    del installed.versions["tensorboard"]
    step = _ganzoo_step(setup_needs.plan_installs("/env/bin/python", want, installed))
    assert "tensorboard>=2.12" in step.because
    assert f"{want.repo}[dev,tensorboard]" in step.argv


def test_an_unknown_extra_is_a_user_error(sources):
    with pytest.raises(setup_needs.SetupError, match="no extra 'tensorbord'"):
        wanted(sources, extras=("tensorbord",))


def test_a_changed_op_source_rebuilds_ganzoo(sources):
    installed = up_to_date(wanted(sources))
    (sources[0] / "csrc" / "ops.cpp").write_text("// the op, faster\n")
    assert "changed" in _ganzoo_step(
        setup_needs.plan_installs("/env/bin/python", wanted(sources), installed)).because


def test_an_entry_point_added_to_pyproject_reinstalls_ganzoo(sources):
    installed = up_to_date(wanted(sources))
    with (sources[0] / "pyproject.toml").open("a") as file:
        file.write('\n[project.entry-points."ganzoo.loggers"]\njsonl = "ganzoo.loggers:Jsonl"\n')
    assert planned(wanted(sources), installed)[0].startswith("building ganzoo's compiled op")


def test_ganzoo_installed_from_another_checkout_is_reinstalled(sources, tmp_path):
    want = wanted(sources)
    installed = up_to_date(want)
    installed.editable_from["ganzoo"] = str(tmp_path / "other-clone")
    assert "not installed from this checkout" in _ganzoo_step(
        setup_needs.plan_installs("/env/bin/python", want, installed)).because


def test_a_torch_other_than_the_pin_is_replaced_first(sources):
    want = wanted(sources)
    installed = up_to_date(want)
    installed.versions["torch"] = "2.5.1"
    assert planned(want, installed) == [f"installing torch {want.torch}"]


def test_an_op_that_no_longer_loads_is_rebuilt(sources):
    want = wanted(sources)
    installed = replace(up_to_date(want), op_loads=False)
    assert "does not load" in _ganzoo_step(
        setup_needs.plan_installs("/env/bin/python", want, installed)).because


def test_an_op_that_never_built_is_left_unless_it_is_required(sources, monkeypatch):
    monkeypatch.delenv("GANZOO_REQUIRE_EXT", raising=False)  # CI sets it
    want = wanted(sources)
    installed = replace(up_to_date(want), op_loads=False,
                        stamp={**up_to_date(want).stamp, "op_built": False})
    assert planned(want, installed) == []
    monkeypatch.setenv("GANZOO_REQUIRE_EXT", "1")
    assert len(planned(wanted(sources), installed)) == 1


def test_a_changed_plugin_reinstalls_only_the_plugin(sources):
    installed = up_to_date(wanted(sources))
    (sources[1] / "pyproject.toml").write_text('[project]\nname = "ganzoo-relativistic"\n# new\n')
    steps = setup_needs.plan_installs("/env/bin/python", wanted(sources), installed)
    assert [s.records for s in steps] == ["plugin"]


def test_missing_build_tools_are_installed_before_a_build_only(sources):
    want = wanted(sources)
    installed = up_to_date(want)
    del installed.versions["ninja"]
    assert planned(want, installed) == []  # nothing to build: no need for them
    installed.stamp["ganzoo"] = "older sources"
    steps = setup_needs.plan_installs("/env/bin/python", want, installed)
    assert [s.records for s in steps] == [None, "ganzoo"]
    assert "ninja" in steps[0].argv


# ---- the record of what was built -------------------------------------------------------------


def test_the_stamp_keeps_earlier_entries_and_a_corrupt_one_reads_as_none(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    setup_needs.write_stamp({"ganzoo": "a"})
    setup_needs.write_stamp({"plugin": "b"})
    assert setup_needs.read_stamp() == {"ganzoo": "a", "plugin": "b"}
    (tmp_path / setup_needs.STAMP_NAME).write_text("{half")
    assert setup_needs.read_stamp() == {}


def test_survey_sees_this_checkout_installed_in_the_running_environment():
    installed = setup_needs.survey()
    import torch

    assert installed.versions["torch"] == torch.__version__
    assert installed.editable_from["ganzoo"] == str(ROOT)
