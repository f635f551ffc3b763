"""Names shared by packages: ganzoo's own keep their bare names, a recipe's names resolve in
its own package first, two third parties' bare name is an error, a run rebuilds what it recorded."""

from __future__ import annotations

import pytest
from tests.plugin_fakes import OBJECTIVE_SOURCE, add_distribution, site  # noqa: F401

from ganzoo import registry
from ganzoo.errors import PluginError

OBJ = "ganzoo.objectives"
GEN = "ganzoo.generators"
TINY_NETS = {"data": "ring8", "generator.hidden": [8], "discriminator.hidden": [8]}

#: a generator of its own beside the test objective, and a recipe naming both bare
OWN_MLP_SOURCE = OBJECTIVE_SOURCE + '''

from ganzoo.zoo.mlp import MLPGenerator


class OwnMLP(MLPGenerator):
    """An MLP generator of the plugin's own."""


def own_recipe():
    from ganzoo.api import ModelSpec

    return ModelSpec(name="own-mlp", generator="mlp", discriminator="mlp", objective="minimax", summary="s")
'''


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
    assert "GANZOO_DISABLE_PLUGINS=" in message


def test_both_stay_addressable_by_package(site):
    _two_providers(site)
    assert registry.get("objective", "fake-alpha:pair").__module__ == "fake_alpha"
    assert registry.get("objective", "fake_beta:pair").__module__ == "fake_beta"
    assert registry.origin("objective", "fake-beta:pair")["package"] == "fake-beta"
    assert len(registry.list_plugins("objective", "pair")) == 2


@pytest.mark.parametrize("kind, name", [("objective", "minimax"), ("model", "vanilla-mlp"), ("dataset", "ring8")])
def test_a_builtin_name_reused_by_a_plugin_still_means_the_builtin(site, kind, name):
    add_distribution(site, "fake-shadow", entry_points={f"ganzoo.{kind}s": {name: "fake_shadow:Pair"}},
                     modules={"fake_shadow.py": OBJECTIVE_SOURCE})
    assert registry.origin(kind, name)["package"] == "ganzoo"
    assert registry.origin(kind, f"fake-shadow:{name}")["package"] == "fake-shadow"


@pytest.mark.parametrize("model", ["vanilla-mlp", "ganzoo:vanilla-mlp"])
def test_builtin_recipes_build_beside_a_broken_plugin_named_mlp(site, model):
    from ganzoo.train.build import build, resolve_config
    import torch

    add_distribution(site, "fake-broken", entry_points={GEN: {"mlp": "somepkg_not_installed:G"}})
    parts = build(resolve_config(model, TINY_NETS), torch.device("cpu"))
    assert parts.origins["generator"]["package"] == "ganzoo"


def test_a_recipe_prefers_its_own_packages_components(site):
    from ganzoo.train.build import build, resolve_config
    import torch

    add_distribution(site, "fake-own", entry_points={GEN: {"mlp": "fake_own:OwnMLP"},
                                                     "ganzoo.models": {"own-mlp": "fake_own:own_recipe"}},
                     modules={"fake_own.py": OWN_MLP_SOURCE})
    parts = build(resolve_config("own-mlp", TINY_NETS), torch.device("cpu"))
    assert type(parts.generator).__name__ == "OwnMLP"
    assert parts.origins["discriminator"]["package"] == parts.origins["objective"]["package"] == "ganzoo"


def test_list_shows_a_shadowed_entry(site, capsys):
    from ganzoo.cli import main

    add_distribution(site, "fake-shadow", entry_points={OBJ: {"minimax": "fake_shadow:Pair"}},
                     modules={"fake_shadow.py": OBJECTIVE_SOURCE})
    with pytest.raises(SystemExit):
        main(["list", "--kind", "objective"])
    out = capsys.readouterr().out
    assert "fake-shadow:minimax (objective): shadowed by ganzoo:minimax" in out


def _pair_package(site, package):
    module = package.replace("-", "_")
    add_distribution(site, package, entry_points={OBJ: {"pair": f"{module}:Pair"},
                                                  "ganzoo.models": {"pair-mlp": f"{module}:make_model"}},
                     modules={f"{module}.py": OBJECTIVE_SOURCE})


def test_a_run_rebuilds_what_its_config_recorded(site, tmp_path, tiny):
    from ganzoo.sampling import load_run
    from ganzoo.train import resume_run, start_run

    _pair_package(site, "fake-first")
    out = tmp_path / "run"
    start_run("pair-mlp", out, {**tiny, "steps": 10}).fit()
    _pair_package(site, "fake-later")  # the same names, installed after the run was made
    registry.reset()
    assert type(load_run(out)[0]).__module__ == "ganzoo.zoo.mlp"
    origins = resume_run(out).parts.origins
    assert origins["model"]["package"] == origins["objective"]["package"] == "fake-first"
    assert origins["dataset"]["package"] == "ganzoo"


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
