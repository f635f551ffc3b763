"""Shell completion: commands, options, model and dataset names, cheap enough for a key press."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from tests.plugin_fakes import OBJECTIVE_SOURCE, add_distribution, site  # noqa: F401

from ganzoo.cli import cli
from ganzoo.cli.completion import COMPLETE_VAR, PROG_NAME

MODELS = "ganzoo.models"


def complete(args: list[str], incomplete: str) -> list[tuple[str, str]]:
    """(value, type) of each completion click offers after ``ganzoo ARGS INCOMPLETE``."""
    items = ShellComplete(cli, {}, PROG_NAME, COMPLETE_VAR).get_completions(args, incomplete)
    return [(item.value, item.type) for item in items]


def test_commands_complete():
    assert ("completion", "plain") in complete([], "") and complete([], "ev") == [("eval", "plain")]


def test_options_complete():
    assert ("--resume", "plain") in complete(["train"], "--re")


def test_model_names_complete_from_the_prefix():
    assert complete(["train"], "r1-gan-mlp-e") == [("r1-gan-mlp-ema", "plain")]


def test_a_package_prefix_completes_qualified_names():
    assert complete(["train"], "ganzoo:r1-gan-mlp-e") == [("ganzoo:r1-gan-mlp-ema", "plain")]


def test_data_completes_dataset_names_and_files():
    assert complete(["train", "--data"], "ri") == [("ri", "file"), ("ring8", "plain")]


def test_info_completes_names_of_every_kind():
    values = [value for value, _ in complete(["info"], "")]
    assert {"vanilla-mlp", "mlp", "hinge", "ring8"} <= set(values)


def test_disabled_plugins_are_not_offered(site, monkeypatch):
    add_distribution(site, "fake-off", entry_points={MODELS: {"off-gan": "fake_off:make_model"}},
                     modules={"fake_off.py": OBJECTIVE_SOURCE})
    assert complete(["train"], "off-") == [("off-gan", "plain")]
    monkeypatch.setenv("GANZOO_DISABLE_PLUGINS", "fake-off")
    from ganzoo import registry

    registry.reset()
    assert complete(["train"], "off-") == []


_PROBE = """
import sys
from ganzoo.cli import main
try:
    main()
except SystemExit:
    pass
print("LOADED", [m for m in ("torch", "fake_probe", "ganzoo.zoo", "ganzoo.api") if m in sys.modules])
"""


def test_a_completion_request_imports_neither_torch_nor_plugins(tmp_path):
    site_dir = tmp_path / "site"
    add_distribution(site_dir, "fake-probe", entry_points={MODELS: {"probe-gan": "fake_probe:make_model"}},
                     modules={"fake_probe.py": OBJECTIVE_SOURCE})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site_dir), os.environ.get("PYTHONPATH", "")]),
           COMPLETE_VAR: "bash_complete", "COMP_WORDS": "ganzoo train probe", "COMP_CWORD": "2"}
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["plain,probe-gan", "LOADED []"]


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o nosort -F _ganzoo_completion ganzoo"),
                                           ("zsh", "compdef _ganzoo_completion ganzoo"),
                                           ("fish", "complete --no-files --command ganzoo")])
def test_completion_command_prints_the_shells_script(shell, marker):
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["completion", shell], prog_name="ganzoo")
    assert result.exit_code == 0 and marker in result.output and COMPLETE_VAR in result.output


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_bash_script_completes_in_bash(tmp_path):
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "ganzoo").exists(), "the ganzoo console script is not installed beside this python"
    script = 'eval "$(ganzoo completion bash)"; COMP_WORDS=(ganzoo train --data gr); COMP_CWORD=3; ' \
             '_ganzoo_completion ganzoo; printf "%s\\n" "${COMPREPLY[@]}"'
    env = {**os.environ, "PATH": os.pathsep.join([str(bin_dir), os.environ["PATH"]])}
    out = subprocess.run(["bash", "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["grid25"]
