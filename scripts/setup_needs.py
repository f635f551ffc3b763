"""What a Python environment needs for ganzoo, from what the sources ask and what it holds.

`wanted_for` reads the sources (pyproject.toml, setup.py, csrc/), `survey` the environment it
runs in (its installed distributions, which of them are editable installs of this checkout,
whether ganzoo's compiled op loads, and the stamp earlier set-ups left), and `plan_installs`
turns the two into the steps that close the gap. It decides; scripts/setup_env.py acts.

Standard library only (plus pip's own copies of tomli and packaging where Python lacks them).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

# Everything ganzoo's editable install is built from; a change to any of them means reinstalling.
GANZOO_SOURCES = ("pyproject.toml", "setup.py", "ganzoo/_version.py", "csrc")
STAMP_NAME = ".ganzoo-setup.json"
# torch is pinned: an unpinned request would pull the CUDA build and several GB with it.
TORCH_VERSION = os.environ.get("GANZOO_TORCH_VERSION", "2.13.0")
# The op probe runs outside the repository so that it imports the installed ganzoo.
OP_PROBE = "import torch, ganzoo._C"


class SetupError(Exception):
    """A problem the user can fix; the message names it and the fix (exit code 2)."""


@dataclass(frozen=True)
class Step:
    says: str  # what the user reads while it runs
    argv: tuple[str, ...]
    because: str = ""  # why it is needed, when that is not plain
    records: str | None = None  # the stamp entry it brings up to date: "ganzoo" or "plugin"
    hint: str = ""  # added to the error when it fails


@dataclass(frozen=True)
class Wanted:
    """What the sources ask the environment for."""

    repo: Path
    plugin: Path
    torch: str
    extras: tuple[str, ...]
    build_requires: tuple[str, ...]  # [build-system] requires, torch left to its own step
    requires: tuple[str, ...]  # ganzoo's dependencies with the extras, torch left out
    ganzoo_key: str
    plugin_key: str
    require_op: bool  # GANZOO_REQUIRE_EXT=1: a missing compiled op is an error, not a fallback


@dataclass(frozen=True)
class Installed:
    """What an environment holds, as far as set-up cares. The default is an empty environment."""

    has_pip: bool = False
    versions: dict = field(default_factory=dict)  # canonical distribution name -> version
    editable_from: dict = field(default_factory=dict)  # canonical name -> source folder
    op_loads: bool = False  # ganzoo._C imports (checked only when ganzoo is installed)
    stamp: dict = field(default_factory=dict)  # what the last set-up recorded

# ---- what the sources want --------------------------------------------------------------------


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> tuple[str, list[str]]:
    """The distribution name and extras of a PEP 508 requirement string."""
    found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", requirement)
    if found is None:
        raise SetupError(f"pyproject.toml: cannot read the requirement {requirement!r}")
    extras = [e.strip() for e in (found.group(2) or "").split(",") if e.strip()]
    return canonical(found.group(1)), extras


def load_toml(path: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: pip carries the same parser
        try:
            from pip._vendor import tomli as tomllib
        except ModuleNotFoundError:
            raise SetupError(
                f"reading {path} needs Python 3.11 or pip; install python3-pip, or run with "
                "PYTHON=python3.11"
            ) from None
    with path.open("rb") as file:
        return tomllib.load(file)


def project_requirements(project: dict, extras: tuple[str, ...]) -> list[str]:
    """The project's dependencies plus those of `extras` (an extra may name others of its own)."""
    own_name = canonical(project["name"])
    optional = project.get("optional-dependencies", {})
    wanted, todo, seen = list(project.get("dependencies", [])), list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        if extra not in optional:
            known = ", ".join(sorted(optional)) or "none"
            raise SetupError(f"pyproject.toml has no extra {extra!r} (it has: {known}); fix EXTRAS")
        for requirement in optional[extra]:
            name, more = requirement_name(requirement)
            if name == own_name:
                todo += more
            else:
                wanted.append(requirement)
    return wanted


def fingerprint(root: Path, names: tuple[str, ...], *context: str) -> str:
    """A hash of the named files (a folder: every file under it), as they are now."""
    digest = hashlib.sha256("\0".join(context).encode())
    for name in names:
        path = root / name
        files = sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(f"\0{file.relative_to(root)}\0".encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def without_torch(requirements: list[str]) -> tuple[str, ...]:
    return tuple(r for r in requirements if requirement_name(r)[0] != "torch")


def wanted_for(repo: Path, plugin: Path, extras: tuple[str, ...]) -> Wanted:
    pyproject = load_toml(repo / "pyproject.toml")
    return Wanted(
        repo=repo,
        plugin=plugin,
        torch=TORCH_VERSION,
        extras=extras,
        build_requires=without_torch(pyproject.get("build-system", {}).get("requires", [])),
        requires=without_torch(project_requirements(pyproject["project"], extras)),
        # The op is compiled against torch, so torch's version is part of what it is built from.
        ganzoo_key=fingerprint(repo, GANZOO_SOURCES, str(repo), TORCH_VERSION),
        plugin_key=fingerprint(plugin, ("pyproject.toml",), str(plugin)),
        require_op=os.environ.get("GANZOO_REQUIRE_EXT", "") == "1",
    )


# ---- what is installed ------------------------------------------------------------------------


def _requirement_class():
    try:
        from packaging.requirements import Requirement
    except ModuleNotFoundError:  # every environment with pip has pip's copy
        from pip._vendor.packaging.requirements import Requirement
    return Requirement


def unmet(requirements: tuple[str, ...], versions: dict) -> list[str]:
    """The requirements that the installed distributions (`versions`) do not satisfy."""
    if not versions:  # an empty environment satisfies nothing (and may have nothing to parse with)
        return list(requirements)
    requirement_class = _requirement_class()
    missing = []
    for text in requirements:
        requirement = requirement_class(text)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        version = versions.get(canonical(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            missing.append(text)
    return missing


def _editable_source(dist) -> str | None:
    text = dist.read_text("direct_url.json")
    if not text:
        return None
    info = json.loads(text)
    if not info.get("dir_info", {}).get("editable"):
        return None
    return str(Path(unquote(urlparse(info["url"]).path)).resolve())


def op_loads() -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", OP_PROBE], capture_output=True, cwd=tempfile.gettempdir()
    )
    return probe.returncode == 0


def read_stamp() -> dict:
    try:
        return json.loads((Path(sys.prefix) / STAMP_NAME).read_text())
    except (OSError, ValueError):
        return {}


def write_stamp(entries: dict) -> None:
    path = Path(sys.prefix) / STAMP_NAME
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps({**read_stamp(), **entries}, indent=1) + "\n")
    os.replace(partial, path)  # never a half-written stamp


def survey() -> Installed:
    """What this interpreter's environment holds (call it inside the environment)."""
    import importlib.util
    from importlib import metadata

    if importlib.util.find_spec("pip") is None:
        return Installed(stamp=read_stamp())
    versions, editable_from = {}, {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name and canonical(name) not in versions:  # the first on sys.path is the one imported
            versions[canonical(name)] = dist.version
            source = _editable_source(dist)
            if source:
                editable_from[canonical(name)] = source
    return Installed(
        has_pip=True,
        versions=versions,
        editable_from=editable_from,
        op_loads="ganzoo" in editable_from and op_loads(),
        stamp=read_stamp(),
    )


# ---- what to do -------------------------------------------------------------------------------


def why_ganzoo_outdated(wanted: Wanted, installed: Installed) -> str | None:
    if installed.editable_from.get("ganzoo") != str(wanted.repo.resolve()):
        return "it is not installed from this checkout"
    missing = unmet(wanted.requires, installed.versions)
    if missing:
        return "pyproject.toml asks for " + ", ".join(missing)
    if installed.stamp.get("ganzoo") != wanted.ganzoo_key:
        if "ganzoo" not in installed.stamp:
            return "there is no record of the sources it was built from"
        return "pyproject.toml, setup.py or csrc/ changed since it was built"
    if (installed.stamp.get("op_built") or wanted.require_op) and not installed.op_loads:
        return "its compiled op does not load"
    return None


def why_plugin_outdated(wanted: Wanted, installed: Installed) -> str | None:
    if installed.editable_from.get("ganzoo-relativistic") != str(wanted.plugin.resolve()):
        return "it is not installed from this checkout"
    if installed.stamp.get("plugin") != wanted.plugin_key:
        if "plugin" not in installed.stamp:
            return "there is no record of what it was installed from"
        return "its pyproject.toml changed since it was installed"
    return None


def plan_installs(python: str, wanted: Wanted, installed: Installed) -> list[Step]:
    """The steps that bring the environment of `python` up to what `wanted` asks, in order."""
    pip = (python, "-m", "pip", "install")
    steps = []
    if not installed.has_pip:
        steps.append(Step(
            "installing pip into the environment", (python, "-m", "ensurepip", "--upgrade"),
            hint="on Debian/Ubuntu, install python3-venv (apt install python3-venv)",
        ))
    if installed.versions.get("torch", "").split("+")[0] != wanted.torch:
        steps.append(Step(f"installing torch {wanted.torch}", (*pip, f"torch=={wanted.torch}")))
    editable = []
    why = why_ganzoo_outdated(wanted, installed)
    if why:
        extras = f"[{','.join(wanted.extras)}]" if wanted.extras else ""
        editable.append(Step(
            f"building ganzoo's compiled op and installing ganzoo{extras} in editable mode "
            "(a minute or two)",
            # The op builds against the installed torch; naming the pin keeps pip off any other.
            (*pip, "--no-build-isolation", "-e", f"{wanted.repo}{extras}", f"torch=={wanted.torch}"),
            because=why, records="ganzoo",
        ))
    why = why_plugin_outdated(wanted, installed)
    if why:
        editable.append(Step(
            "installing the bundled plugin ganzoo-relativistic in editable mode",
            (*pip, "--no-build-isolation", "--no-deps", "-e", str(wanted.plugin)),
            because=why, records="plugin",
        ))
    missing_tools = unmet(wanted.build_requires, installed.versions) if editable else []
    if missing_tools:
        steps.append(Step(
            "installing the build tools pyproject.toml names: " + ", ".join(missing_tools),
            (*pip, *wanted.build_requires),
        ))
    return steps + editable
