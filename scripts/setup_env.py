#!/usr/bin/env python3
"""Sets up the Python environment every make target runs ganzoo from, saying each step.

Which environment: the virtual environment this script runs in; outside one, the repository's
own `.venv` (created when missing, adopted when there), so that pip never meets a system Python
that refuses installs (PEP 668, "externally-managed-environment"). What goes in: torch (pinned),
ganzoo in editable mode with its compiled op and the chosen extras, and the bundled plugin.
A step runs only when the environment falls short (scripts/setup_needs.py decides): torch's
version, the requirements that pyproject.toml names, or the sources an editable install was
built from (a stamp in the environment records a hash of them).

    python3 scripts/setup_env.py                  set up (what `make setup` runs)
    python3 scripts/setup_env.py --plan           say what set-up would do; change nothing
    python3 scripts/setup_env.py --print-python   the environment's python (the Makefile's ENV_PYTHON)

Standard library only: it first runs under a Python that has nothing installed.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

from setup_needs import (
    Installed, SetupError, Step, Wanted, op_loads, plan_installs, read_stamp, survey, wanted_for,
    write_stamp,
)

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv"
PLUGIN = REPO / "plugins" / "ganzoo-relativistic"


def say(line: str) -> None:
    print(f"setup: {line}", flush=True)


# ---- which environment ------------------------------------------------------------------------


def in_virtualenv() -> bool:
    return sys.prefix != sys.base_prefix


def environment_python() -> Path:
    """The python the make targets run: this one inside a virtual environment, else .venv's."""
    return Path(sys.executable) if in_virtualenv() else VENV / "bin" / "python"


def venv_state(python: Path) -> str:
    """'missing', 'usable' (a virtual environment's python that runs) or 'broken'."""
    if not python.exists():
        return "missing"
    check = "import sys; sys.exit(sys.prefix == sys.base_prefix)"
    ran = subprocess.run([str(python), "-c", check], capture_output=True)
    return "usable" if ran.returncode == 0 else "broken"


# ---- doing the steps --------------------------------------------------------------------------


def describe(step: Step) -> str:
    return f"{step.says}, because {step.because}" if step.because else step.says


def show(steps: list[Step]) -> None:
    if not steps:
        print("plan: nothing to do")
    for step in steps:
        print(f"plan: {describe(step)}\n    $ {shlex.join(step.argv)}")


def execute(step: Step) -> None:
    say(describe(step))
    say("$ " + shlex.join(step.argv))
    ran = subprocess.run(step.argv)
    if ran.returncode != 0:
        hint = f"; {step.hint}" if step.hint else ""
        raise SetupError(
            f"{step.says} failed (exit {ran.returncode}; the message above says why){hint}"
        )


def set_up(steps: list[Step], wanted: Wanted) -> None:
    for step in steps:
        execute(step)
        if step.records == "ganzoo":
            write_stamp({"ganzoo": wanted.ganzoo_key, "op_built": op_loads()})
        elif step.records == "plugin":
            write_stamp({"plugin": wanted.plugin_key})
    op = "with its compiled op" if read_stamp().get("op_built") else (
        "without its compiled op (it runs on its pure-PyTorch reference; the build said why)"
    )
    say(f"{'ready' if steps else 'nothing to do'}: ganzoo {op}, torch {wanted.torch} and the plugin "
        f"are installed in {sys.prefix}")


# ---- the command ------------------------------------------------------------------------------


def from_outside(args: argparse.Namespace, argv: list[str]) -> int:
    """Not in a virtual environment: create or adopt the repository's .venv, continue inside it."""
    python = VENV / "bin" / "python"
    state = venv_state(python)
    say(f"{sys.executable} is not in a virtual environment, so ganzoo gets its own: {VENV} "
        f"({'already there' if state == 'usable' else 'to be created'})")
    if state == "broken":
        raise SetupError(
            f"{python} does not run as a virtual environment's python (the Python it was made "
            f"from may be gone): remove {VENV} (rm -rf {VENV}) and run make setup again"
        )
    if state == "missing":
        create = Step(f"creating the virtual environment {VENV}",
                      (sys.executable, "-m", "venv", str(VENV)),
                      hint="on Debian/Ubuntu, install python3-venv (apt install python3-venv)")
        if args.plan:  # nothing to look into yet: a new environment needs everything
            show([create] + plan_installs(str(python), wanted_for(REPO, PLUGIN, args.extras),
                                          Installed()))
            return 0
        execute(create)
    os.execv(python, [str(python), str(Path(__file__).resolve()), *argv])
    return 0  # not reached: execv replaces this process


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plan", action="store_true", help="say what set-up would do; change nothing")
    parser.add_argument("--print-python", action="store_true",
                        help="print the python of the environment the make targets use")
    parser.add_argument("--extras", default="dev", type=lambda s: tuple(e for e in s.split(",") if e),
                        help="ganzoo's extras to install, comma-separated (default: dev)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    try:
        if sys.version_info < (3, 10):
            raise SetupError(f"ganzoo needs Python 3.10 or newer ({sys.executable} is "
                             f"{sys.version.split()[0]}); run make with PYTHON=python3.11")
        if args.print_python:
            print(environment_python())
            return 0
        if not in_virtualenv():
            return from_outside(args, argv)
        say(f"environment: {sys.prefix} (the virtual environment {sys.executable} runs in)")
        wanted = wanted_for(REPO, PLUGIN, args.extras)
        steps = plan_installs(sys.executable, wanted, survey())
        if args.plan:
            show(steps)
        else:
            set_up(steps, wanted)
        return 0
    except SetupError as err:
        print(f"setup: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
