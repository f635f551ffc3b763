"""A plugin's import never writes to ganzoo's stdout, and a ``sys.exit()`` while it loads
makes that plugin broken instead of ending ganzoo."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from tests.plugin_fakes import OBJECTIVE_SOURCE, add_distribution, site  # noqa: F401

from ganzoo import registry

NOISY_MODEL = '''
from ganzoo.api import ModelSpec


def noisy():
    print("factory chatter")
    return ModelSpec(name="noisy", generator="mlp", discriminator="mlp", objective="minimax", summary="s")
'''


def _side_effects(site):
    add_distribution(site, "fake-chatty", entry_points={"ganzoo.objectives": {"chatty": "fake_chatty:Pair"},
                                                        "ganzoo.models": {"noisy": "fake_noisy:noisy"}},
                     modules={"fake_chatty.py": "print('import chatter')\n" + OBJECTIVE_SOURCE,
                              "fake_noisy.py": NOISY_MODEL})
    add_distribution(site, "fake-quitter", entry_points={"ganzoo.objectives": {"quitter": "fake_quitter:Pair"}},
                     modules={"fake_quitter.py": "import sys\nsys.exit()\n"})


def test_list_json_stays_json_and_a_plugin_exit_is_reported_broken(site):
    _side_effects(site)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "ganzoo", "list", "--json", "--strict"], env=env,
                            capture_output=True, text=True)
    rows = {row["qualified_name"]: row for row in json.loads(result.stdout)}
    assert result.returncode == 1 and "fake-quitter:quitter" in result.stderr
    assert rows["fake-quitter:quitter"]["status"] == "broken" and "SystemExit" in rows["fake-quitter:quitter"]["reason"]
    assert rows["fake-chatty:chatty"]["status"] == rows["fake-chatty:noisy"]["status"] == "ok"
    assert "import chatter" in result.stderr and "factory chatter" in result.stderr


def test_a_plugins_prints_go_to_stderr_when_it_is_used(site, capsys):
    _side_effects(site)
    assert registry.get("model", "noisy").name == "noisy"
    out, err = capsys.readouterr()
    assert out == "" and "factory chatter" in err


@pytest.mark.parametrize("source", ["import sys\nsys.exit(3)\n", "def make():\n    raise SystemExit(0)\n"])
def test_system_exit_while_loading_a_model_makes_it_broken(site, source):
    add_distribution(site, "fake-exit", entry_points={"ganzoo.models": {"leaves": "fake_exit:make"}},
                     modules={"fake_exit.py": source})
    [info] = [p for p in registry.load_all("model") if p.name == "leaves"]
    assert info.status == "broken" and "SystemExit" in info.reason
