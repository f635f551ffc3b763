"""scripts/setup_env.py and the Makefile around it: which environment every target runs in.

The make targets run on a copy of the repository's set-up files with a stand-in `python3` that,
like Debian's, refuses pip outside a virtual environment; set-up runs as a plan (`make
setup-plan`) or as `make -n`, so nothing installs.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _base_python() -> str:
    return getattr(sys, "_base_executable", "") or str(Path(sys.base_prefix) / "bin" / "python3")


@pytest.fixture
def checkout(tmp_path):
    """A copy of the files the make targets read, as a fresh clone has them (no .venv)."""
    repo = tmp_path / "clone"
    for name in ("Makefile", "scripts/setup_env.py", "scripts/setup_needs.py", "pyproject.toml", "setup.py",
                 "ganzoo/_version.py", "plugins/ganzoo-relativistic/pyproject.toml"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(ROOT / "csrc", repo / "csrc")
    return repo


@pytest.fixture
def managed_python(tmp_path):
    """A `python3` that runs anything but pip, which it refuses as PEP 668 has Debian's do."""
    path = tmp_path / "system" / "python3"
    path.parent.mkdir()
    path.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then\n'
        '  echo "error: externally-managed-environment" >&2; exit 1\n'
        "fi\n"
        f'exec "{_base_python()}" "$@"\n'
    )
    path.chmod(0o755)
    return path


def make(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "MAKEFLAGS", "PYTHON")}
    done = subprocess.run(["make", "-s", "-C", str(repo), *args], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def planned_commands(output: str) -> list[list[str]]:
    return [shlex.split(line[len("    $ "):]) for line in output.splitlines()
            if line.startswith("    $ ")]


def test_outside_a_venv_setup_creates_the_repository_venv_and_installs_only_there(
        checkout, managed_python):
    commands = planned_commands(make(checkout, "setup-plan", f"PYTHON={managed_python}"))
    venv_python = str(checkout / ".venv" / "bin" / "python")
    assert commands[0][1:] == ["-m", "venv", str(checkout / ".venv")]
    assert [c for c in commands[1:] if c[0] != venv_python] == []
    assert any(c[2] == "pip" and c[-1].startswith("torch==") for c in commands)
    assert not (checkout / ".venv").exists()  # a plan changes nothing


@pytest.mark.parametrize("target, runs", [
    ("train", ["/.venv/bin/ganzoo", "train", "vanilla-mlp"]),
    ("test", ["/.venv/bin/python", "-m", "pytest", "tests"]),
])
def test_make_targets_run_from_the_repository_venv(checkout, managed_python, target, runs):
    commands = [shlex.split(line) for line in
                make(checkout, "-n", target, f"PYTHON={managed_python}").splitlines()]
    assert [str(checkout) + runs[0], *runs[1:]] in commands
    assert [c for c in commands if c[0] == str(managed_python) and c[1] != "scripts/setup_env.py"] == []


def test_an_existing_repository_venv_is_adopted_not_created(checkout, managed_python):
    subprocess.run([_base_python(), "-m", "venv", "--without-pip", str(checkout / ".venv")], check=True)
    output = make(checkout, "setup-plan", f"PYTHON={managed_python}")
    assert "already there" in output
    commands = planned_commands(output)
    assert commands[0] == [str(checkout / ".venv" / "bin" / "python"), "-m", "ensurepip", "--upgrade"]
    assert [c for c in commands if "venv" in c[1:3]] == []


def test_a_python_inside_a_venv_is_used_without_activating_it(checkout, tmp_path):
    venv = tmp_path / "own-venv"
    subprocess.run([_base_python(), "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python3"
    commands = planned_commands(make(checkout, "setup-plan", f"PYTHON={python}"))
    assert {c[0] for c in commands} == {str(python)}
    ran = make(checkout, "-n", "train", f"PYTHON={python}").splitlines()
    assert shlex.split(ran[-1]) == [str(venv / "bin" / "ganzoo"), "train", "vanilla-mlp"]
    assert not (checkout / ".venv").exists()


def test_a_repository_venv_that_does_not_run_is_reported_with_the_fix(checkout, managed_python):
    broken = checkout / ".venv" / "bin" / "python"
    broken.parent.mkdir(parents=True)
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    done = subprocess.run([str(managed_python), str(checkout / "scripts" / "setup_env.py"), "--plan"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert f"rm -rf {checkout / '.venv'}" in done.stderr
    assert "Traceback" not in done.stderr
