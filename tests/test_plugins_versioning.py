"""Declared plugin API versions and GANZOO_DISABLE_PLUGINS: refused plugins are never imported."""

from __future__ import annotations

import sys

import pytest
from tests.plugin_fakes import OBJECTIVE_SOURCE, add_distribution, site  # noqa: F401

from ganzoo import registry
from ganzoo.errors import PluginError
from ganzoo.plugins.discovery import api_problem

OBJ = "ganzoo.objectives"


def _plugin(site, package: str, api: str | None = None):
    module = package.replace("-", "_")
    add_distribution(site, package, api=api, entry_points={OBJ: {module: f"{module}:Pair"}},
                     modules={f"{module}.py": OBJECTIVE_SOURCE})
    return module


@pytest.mark.parametrize("declared, ok", [("1.0", True), ("1", True), ("2.0", False), ("1.9", False),
                                          ("0.9", False), ("one", False)])
def test_api_policy(declared, ok):
    assert (api_problem(declared, "1.0") == "") is ok


def test_incompatible_plugin_is_listed_and_never_imported(site):
    name = _plugin(site, "fake-future", api="2.0")
    registry.load_all("objective")
    [info] = registry.list_plugins("objective", name)
    assert info.status == "incompatible" and "2.0" in info.reason and info.api == "2.0"
    with pytest.raises(PluginError, match="fake-future.*incompatible.*2.0"):
        registry.get("objective", name)
    assert name not in sys.modules


def test_plugin_declaring_the_current_api_loads(site):
    name = _plugin(site, "fake-current", api="1.0")
    assert registry.get("objective", name).__name__ == "Pair"


def test_plugin_declaring_nothing_targets_the_current_api(site):
    name = _plugin(site, "fake-silent")
    [info] = registry.list_plugins("objective", name)
    assert info.api is None and info.status == "ok"


def test_disabled_by_environment(site, monkeypatch):
    name = _plugin(site, "fake-off")
    monkeypatch.setenv("GANZOO_DISABLE_PLUGINS", "other, Fake_Off")
    registry.reset()
    registry.load_all("objective")
    [info] = registry.list_plugins("objective", name)
    assert info.status == "disabled" and "GANZOO_DISABLE_PLUGINS" in info.reason
    with pytest.raises(PluginError, match="disabled by GANZOO_DISABLE_PLUGINS"):
        registry.get("objective", name)
    assert name not in sys.modules


def test_star_disables_everything_but_builtins(site, monkeypatch):
    name = _plugin(site, "fake-star")
    monkeypatch.setenv("GANZOO_DISABLE_PLUGINS", "*,ganzoo")
    registry.reset()
    assert registry.list_plugins("objective", name)[0].status == "disabled"
    assert registry.get("objective", "minimax").__name__ == "Minimax"


def test_a_disabled_namesake_does_not_make_a_name_ambiguous(site, monkeypatch):
    add_distribution(site, "fake-shadow", entry_points={OBJ: {"minimax": "fake_shadow:Pair"}},
                     modules={"fake_shadow.py": OBJECTIVE_SOURCE})
    monkeypatch.setenv("GANZOO_DISABLE_PLUGINS", "fake-shadow")
    registry.reset()
    assert registry.get("objective", "minimax").__name__ == "Minimax"
