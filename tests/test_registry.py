"""The registry's public API: listing, lookup, creation, provenance."""

from __future__ import annotations

import sys

import pytest
from tests.plugin_fakes import OBJECTIVE_SOURCE, add_distribution, site  # noqa: F401

from ganzoo import registry
from ganzoo.api import ModelSpec, Objective
from ganzoo.errors import PluginError, UnknownNameError

OBJ = "ganzoo.objectives"


def test_builtins_are_registered_through_entry_points():
    kinds = {(p.kind, p.name) for p in registry.list_plugins()}
    assert {("model", "vanilla-mlp"), ("generator", "mlp"), ("objective", "non-saturating")} <= kinds
    assert all(p.package == "ganzoo" for p in registry.list_plugins(pattern="ganzoo:*"))


def test_list_filters_by_kind_and_glob():
    assert {p.kind for p in registry.list_plugins("dataset")} == {"dataset"}
    assert [p.name for p in registry.list_plugins("dataset", "ring*")] == ["ring8"]
    assert registry.list_models("vanilla*") == ["vanilla-mlp"]
    with pytest.raises(ValueError):
        registry.list_plugins("network")


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownNameError) as err:
        registry.get("model", "vanila-mlp")
    assert str(err.value) == "unknown model 'vanila-mlp'; did you mean 'vanilla-mlp'?"


def test_unknown_name_without_close_match_lists_the_known_ones():
    with pytest.raises(UnknownNameError, match="known models: .*vanilla-mlp"):
        registry.get("model", "zzzzzz")


def test_create_model_returns_an_updated_copy():
    spec = registry.create_model("vanilla-mlp", lr=1e-4, batch_size=128)
    assert isinstance(spec, ModelSpec)
    assert spec.defaults["lr"] == 1e-4 and spec.defaults["batch_size"] == 128
    assert registry.get("model", "vanilla-mlp").defaults["lr"] == 2e-4
    assert registry.create("model", "vanilla-mlp", steps=5).defaults["steps"] == 5


def test_create_builds_a_component():
    objective = registry.create("objective", "ganzoo:non-saturating")
    assert isinstance(objective, Objective)


def test_origin_names_the_package():
    assert registry.origin("generator", "mlp") == {
        "name": "mlp",
        "kind": "generator",
        "package": "ganzoo",
        "version": registry.origin("model", "vanilla-mlp")["version"],
        "value": "ganzoo.zoo.mlp:MLPGenerator",
    }


def test_listing_imports_no_plugin_module(site):
    add_distribution(site, "fake-lazy", entry_points={OBJ: {"pair": "fake_lazy:Pair"}},
                     modules={"fake_lazy.py": OBJECTIVE_SOURCE})
    [info] = registry.list_plugins(pattern="fake-lazy:*")
    assert (info.status, info.loaded) == ("ok", False)
    assert "fake_lazy" not in sys.modules
    assert registry.get("objective", "pair").__name__ == "Pair"
    assert "fake_lazy" in sys.modules
    [info] = registry.list_plugins(pattern="fake-lazy:*")
    assert info.loaded and info.summary == "A BCE game used by the registry tests."


def test_model_factory_is_called(site):
    add_distribution(site, "fake-factory", entry_points={
        OBJ: {"pair": "fake_factory:Pair"},
        "ganzoo.models": {"pair-mlp": "fake_factory:make_model"},
    }, modules={"fake_factory.py": OBJECTIVE_SOURCE})
    spec = registry.create_model("pair-mlp", lr=5e-4)
    assert spec.objective == "pair" and spec.defaults == {"lr": 5e-4}
    assert "pair-mlp" in registry.list_models()


def test_describe_reports_metadata(site):
    add_distribution(site, "fake-meta", entry_points={OBJ: {"pair": "fake_meta:Pair"}},
                     modules={"fake_meta.py": OBJECTIVE_SOURCE})
    meta = registry.describe("objective", "pair")
    assert meta["summary"] == "A BCE game used by the registry tests."
    assert meta["tags"] == ["test"] and meta["defaults"] == {"real_target": 1.0}
    assert meta["package"] == "fake-meta" and meta["status"] == "ok"


def test_reset_forgets_discovery(site):
    assert not registry.list_plugins(pattern="fake-late:*")
    add_distribution(site, "fake-late", entry_points={OBJ: {"pair": "fake_late:Pair"}},
                     modules={"fake_late.py": OBJECTIVE_SOURCE})
    registry.reset()
    assert registry.list_plugins(pattern="fake-late:*")

