"""A broken plugin is reported, never fatal: import errors, wrong kinds, failing factories."""

from __future__ import annotations

import pytest
from tests.plugin_fakes import OBJECTIVE_SOURCE, add_distribution, site  # noqa: F401

from ganzoo import registry
from ganzoo.errors import PluginError

OBJ = "ganzoo.objectives"


def _status(name: str, kind: str = "objective"):
    registry.load_all(kind)
    [info] = [p for p in registry.list_plugins(kind) if p.name == name]
    return info


def test_import_error_is_broken_and_others_keep_working(site):
    add_distribution(site, "fake-crash", entry_points={OBJ: {"crash": "fake_crash:Pair"}},
                     modules={"fake_crash.py": "import not_a_module_anywhere\n"})
    add_distribution(site, "fake-fine", entry_points={OBJ: {"pair": "fake_fine:Pair"}},
                     modules={"fake_fine.py": OBJECTIVE_SOURCE})
    info = _status("crash")
    assert info.status == "broken"
    assert "ModuleNotFoundError" in info.reason and "not_a_module_anywhere" in info.reason
    assert "\n" not in info.reason
    assert registry.get("objective", "pair").__name__ == "Pair"
    assert registry.get("model", "vanilla-mlp").name == "vanilla-mlp"


def test_using_a_broken_plugin_names_the_package_and_cause(site):
    add_distribution(site, "fake-crash", version="0.3", entry_points={OBJ: {"crash": "fake_crash:Pair"}},
                     modules={"fake_crash.py": "raise RuntimeError('half-written plugin')\n"})
    with pytest.raises(PluginError) as err:
        registry.get("objective", "crash")
    message = str(err.value)
    assert "fake-crash" in message and "0.3" in message and "half-written plugin" in message
    assert "traceback" not in message.lower()
    assert "half-written plugin" in registry.failure_detail("objective", "crash")


def test_missing_attribute_is_broken(site):
    add_distribution(site, "fake-typo", entry_points={OBJ: {"typo": "fake_typo:Piar"}},
                     modules={"fake_typo.py": OBJECTIVE_SOURCE})
    assert "AttributeError" in _status("typo").reason


def test_wrong_kind_is_broken(site):
    add_distribution(site, "fake-wrong", entry_points={
        OBJ: {"number": "fake_wrong:NOT_A_CLASS"},
        "ganzoo.generators": {"pair-as-generator": "fake_wrong:Pair"},
    }, modules={"fake_wrong.py": OBJECTIVE_SOURCE})
    assert "not a subclass of ganzoo.api.Objective" in _status("number").reason
    assert "not a subclass of ganzoo.api.Generator" in _status("pair-as-generator", "generator").reason


def test_failing_model_factory_is_broken(site):
    add_distribution(site, "fake-factory", entry_points={"ganzoo.models": {
        "fails": "fake_factory:failing_factory",
        "not-a-spec": "fake_factory:NOT_A_CLASS",
    }}, modules={"fake_factory.py": OBJECTIVE_SOURCE})
    assert "RuntimeError: no weights here" in _status("fails", "model").reason
    assert "ModelSpec" in _status("not-a-spec", "model").reason
    with pytest.raises(PluginError, match="fake-factory.*no weights here"):
        registry.create_model("fails")


def test_describe_never_raises_for_a_broken_plugin(site):
    add_distribution(site, "fake-crash", entry_points={OBJ: {"crash": "fake_crash:Pair"}},
                     modules={"fake_crash.py": "1/0\n"})
    meta = registry.describe("objective", "crash")
    assert meta["status"] == "broken" and "ZeroDivisionError" in meta["traceback"]
