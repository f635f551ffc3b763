"""``ganzoo list`` and ``ganzoo info``: output, exit codes, and what they import."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from tests.plugin_fakes import OBJECTIVE_SOURCE, add_distribution, site  # noqa: F401

from ganzoo.cli import main

OBJ = "ganzoo.objectives"


@pytest.fixture
def ganzoo(capsys):
    def run(*argv):
        try:
            main(list(argv))
        except SystemExit as exit:
            code = exit.code
        else:
            code = 0
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _broken_beside_good(site):
    add_distribution(site, "fake-crash", entry_points={OBJ: {"crash": "fake_crash:Pair"}},
                     modules={"fake_crash.py": "raise ImportError('needs a library that is not here')\n"})
    add_distribution(site, "fake-good", entry_points={OBJ: {"pair": "fake_good:Pair"}},
                     modules={"fake_good.py": OBJECTIVE_SOURCE})


def test_list_shows_a_table(ganzoo):
    code, out, _ = ganzoo("list")
    header, *rows = out.splitlines()
    assert code == 0 and header.split() == ["NAME", "KIND", "SUMMARY", "PACKAGE", "STATUS"]
    [row] = [r for r in rows if r.startswith("vanilla-mlp ")]
    assert "model" in row and "MLP GAN" in row and "ganzoo 0." in row and row.endswith("ok")


def test_list_json_filters_by_kind_and_pattern(ganzoo):
    code, out, _ = ganzoo("list", "--kind", "dataset", "--json", "r*")
    rows = json.loads(out)
    assert code == 0 and [r["name"] for r in rows] == ["ring8"]
    assert rows[0]["package"] == "ganzoo" and rows[0]["status"] == "ok" and rows[0]["value"].endswith(":Ring8")


def test_list_long_shows_metadata(ganzoo):
    code, out, _ = ganzoo("list", "--long", "--kind", "model", "vanilla-mlp")
    assert code == 0
    assert "Generative Adversarial Nets" in out and "https://arxiv.org/abs/1406.2661" in out
    assert "lr=0.0002" in out and "tags:" in out


def test_broken_plugin_is_listed_and_list_still_succeeds(site, ganzoo):
    _broken_beside_good(site)
    code, out, _ = ganzoo("list", "--long", "--kind", "objective")
    assert code == 0
    assert "[broken]" in out and "needs a library that is not here" in out and "traceback:" in out
    assert "pair  (objective)  fake-good 1.0  [ok]" in out


def test_strict_fails_when_anything_is_broken(site, ganzoo, monkeypatch):
    _broken_beside_good(site)
    code, _, err = ganzoo("list", "--strict")
    assert code == 1 and "fake-crash:crash" in err
    monkeypatch.setenv("GANZOO_STRICT", "1")
    assert ganzoo("list")[0] == 1


def test_strict_passes_when_all_load(ganzoo):
    assert ganzoo("list", "--strict", "--kind", "objective")[0] == 0


def test_missing_module_is_broken_without_importing(site, ganzoo):
    add_distribution(site, "fake-gone", entry_points={OBJ: {"gone": "fake_gone_module:Pair"}})
    code, out, _ = ganzoo("list", "--kind", "objective")
    assert code == 0
    assert "gone" in out and "broken" in out and "no module named 'fake_gone_module'" in out


def test_collisions_show_the_package(site, ganzoo):
    add_distribution(site, "fake-shadow", entry_points={OBJ: {"minimax": "fake_shadow:Pair"}},
                     modules={"fake_shadow.py": OBJECTIVE_SOURCE})
    out = ganzoo("list", "--kind", "objective")[1]
    assert "ganzoo:minimax" in out and "fake-shadow:minimax" in out


def test_info_shows_every_kind_of_a_name(ganzoo):
    code, out, _ = ganzoo("info", "mlp")
    assert code == 0 and "(generator)" in out and "(discriminator)" in out and "hidden=" in out


def test_info_unknown_name_suggests(ganzoo):
    code, _, err = ganzoo("info", "vanila-mlp")
    assert code == 2 and "did you mean 'vanilla-mlp'?" in err and "Traceback" not in err


def test_info_ambiguous_name_lists_the_choices(site, ganzoo):
    for package in ("fake-alpha", "fake-beta"):
        module = package.replace("-", "_")
        add_distribution(site, package, entry_points={OBJ: {"pair": f"{module}:Pair"}},
                         modules={f"{module}.py": OBJECTIVE_SOURCE})
    code, _, err = ganzoo("info", "pair")
    assert code == 2 and "'fake-alpha:pair'" in err and "'fake-beta:pair'" in err


_PROBE = """
import sys
from ganzoo.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
loaded = [m for m in ("torch", "fake_probe", "ganzoo.zoo", "ganzoo.data.toy", "ganzoo.api") if m in sys.modules]
print("LOADED", loaded)
"""


@pytest.mark.parametrize("argv", [["list"], ["list", "--json", "--kind", "objective"], ["--help"]])
def test_listing_imports_neither_torch_nor_plugins(tmp_path, argv):
    site = tmp_path / "site"
    add_distribution(site, "fake-probe", entry_points={OBJ: {"probe": "fake_probe:Pair"}},
                     modules={"fake_probe.py": OBJECTIVE_SOURCE})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", _PROBE, *argv], env=env, capture_output=True, text=True,
                         check=True).stdout
    assert out.splitlines()[-1] == "LOADED []"
    if argv[0] == "list":
        assert "probe" in out
