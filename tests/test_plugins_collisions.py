"""The same name from two packages is ambiguous; the same package twice is one."""

from __future__ import annotations

import pytest
from tests.plugin_fakes import OBJECTIVE_SOURCE, add_distribution, site  # noqa: F401

from ganzoo import registry
from ganzoo.errors import PluginError

OBJ = "ganzoo.objectives"


def _two_providers(site):
    for package in ("fake-alpha", "fake-beta"):
        module = package.replace("-", "_")
        add_distribution(site, package, entry_points={OBJ: {"pair": f"{module}:Pair"}},
                         modules={f"{module}.py": OBJECTIVE_SOURCE})


def test_bare_name_is_ambiguous_and_lists_the_choices(site):
    _two_providers(site)
    with pytest.raises(PluginError) as err:
        registry.get("objective", "pair")
    message = str(err.value)
    assert "ambiguous" in message and "'fake-alpha:pair'" in message and "'fake-beta:pair'" in message


def test_both_stay_addressable_by_package(site):
    _two_providers(site)
    assert registry.get("objective", "fake-alpha:pair").__module__ == "fake_alpha"
    assert registry.get("objective", "fake_beta:pair").__module__ == "fake_beta"
    assert registry.origin("objective", "fake-beta:pair")["package"] == "fake-beta"
    assert len(registry.list_plugins("objective", "pair")) == 2


def test_a_builtin_name_reused_by_a_plugin_is_ambiguous_too(site):
    add_distribution(site, "fake-shadow", entry_points={OBJ: {"minimax": "fake_shadow:Pair"}},
                     modules={"fake_shadow.py": OBJECTIVE_SOURCE})
    with pytest.raises(PluginError, match="ambiguous"):
        registry.get("objective", "minimax")
    assert registry.get("objective", "ganzoo:minimax").__name__ == "Minimax"


def test_the_same_package_twice_is_merged_quietly(site, tmp_path, monkeypatch):
    entry = {OBJ: {"pair": "fake_twice:Pair"}}
    add_distribution(site, "fake-twice", entry_points=entry, modules={"fake_twice.py": OBJECTIVE_SOURCE})
    again = tmp_path / "again"
    add_distribution(again, "fake-twice", entry_points=entry, modules={"fake_twice.py": OBJECTIVE_SOURCE})
    monkeypatch.syspath_prepend(str(site))  # the same directory listed twice
    monkeypatch.syspath_prepend(str(again))
    registry.reset()
    assert len(registry.list_plugins("objective", "pair")) == 1
    assert registry.get("objective", "pair").__name__ == "Pair"
