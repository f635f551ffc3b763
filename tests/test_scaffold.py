"""``ganzoo plugin new`` writes a package that builds, installs and passes its own tests."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

import ganzoo

from ganzoo.cli import main
from ganzoo.scaffold import ScaffoldError, create_plugin, parse_kinds


def _run(argv, capsys):
    try:
        main(argv)
    except SystemExit as exit:
        code = exit.code
    else:
        code = 0
    out, err = capsys.readouterr()
    return code, out + err


def test_writes_one_example_per_kind(tmp_path):
    root = create_plugin("ganzoo-demo", tmp_path, ("objective", "model"))
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert files == {
        "pyproject.toml", "README.md", "src/ganzoo_demo/__init__.py", "src/ganzoo_demo/objectives.py",
        "src/ganzoo_demo/models.py", "tests/test_ganzoo_demo.py",
    }
    pyproject = (root / "pyproject.toml").read_text()
    assert 'demo-hinge = "ganzoo_demo.objectives:Hinge"' in pyproject
    assert f'"{ganzoo.PLUGIN_API}" = "ganzoo_demo"' in pyproject
    models = (root / "src/ganzoo_demo/models.py").read_text()
    assert 'objective="ganzoo-demo:demo-hinge"' in models and 'generator="ganzoo:mlp"' in models


def test_cli_refuses_to_overwrite(tmp_path, capsys):
    assert _run(["plugin", "new", "ganzoo-demo", "--dir", str(tmp_path)], capsys)[0] == 0
    marker = tmp_path / "ganzoo-demo" / "README.md"
    marker.write_text("mine")
    code, output = _run(["plugin", "new", "ganzoo-demo", "--dir", str(tmp_path)], capsys)
    assert code == 2 and "already exists" in output and "Traceback" not in output
    assert marker.read_text() == "mine"


@pytest.mark.parametrize("name", ["1abc", "has space", "a--b", ""])
def test_rejects_bad_names(tmp_path, name):
    with pytest.raises(ScaffoldError, match="not a valid package name"):
        create_plugin(name, tmp_path)


def test_parse_kinds():
    assert parse_kinds("model, objective,model") == ("model", "objective")
    assert len(parse_kinds("all")) == 5
    with pytest.raises(ScaffoldError, match="unknown kind"):
        parse_kinds("objective,network")


def test_scaffold_builds_installs_and_passes_its_tests(tmp_path):
    """Build a wheel offline, unpack it as an install would, run the package's own tests."""
    root = create_plugin("ganzoo-demo", tmp_path, parse_kinds("all"))
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q",
                    "-w", str(wheels), str(root)], check=True, capture_output=True)
    [wheel] = wheels.glob("*.whl")
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
