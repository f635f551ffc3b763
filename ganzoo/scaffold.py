"""``ganzoo plugin new``: write a ready-to-publish plugin package.

The package has a ``src/`` layout, a ``pyproject.toml`` declaring its entry points
and the plugin API it targets, one working example per requested kind, a README and
tests that run the contract kit. Templates live in ``ganzoo/templates/``.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from string import Template

from ganzoo.errors import GanzooError
from ganzoo.plugins.discovery import GROUPS, KINDS

DEFAULT_KINDS = ("objective", "model")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*([-_.][A-Za-z0-9]+)*$")

# kind -> (module, entry-name suffix, attribute, template)
_EXAMPLES = {
    "objective": ("objectives", "hinge", "Hinge", "objectives.py.tmpl"),
    "generator": ("networks", "mlp", "SmallGenerator", "networks.py.tmpl"),
    "discriminator": ("networks", "mlp", "SmallDiscriminator", "networks.py.tmpl"),
    "dataset": ("datasets", "circle", "NoisyCircle", "datasets.py.tmpl"),
    "model": ("models", "gan", "{model_function}", "models.py.tmpl"),
}


class ScaffoldError(GanzooError):
    """The plugin package cannot be written (bad name, existing directory)."""


def parse_kinds(text: str) -> tuple[str, ...]:
    """``"objective,model"`` -> the kinds, checked; ``"all"`` for every kind."""
    offered = tuple(k for k in KINDS if k in _EXAMPLES)  # the kinds with an example to write
    if text.strip() == "all":
        return offered
    kinds = tuple(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
    unknown = [k for k in kinds if k not in offered]
    if unknown or not kinds:
        raise ScaffoldError(f"unknown kind(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(offered)} or 'all'")
    return kinds


def create_plugin(name: str, directory: str | Path = ".", kinds: tuple[str, ...] = DEFAULT_KINDS) -> Path:
    """Write the package ``name`` (a distribution name, e.g. ``ganzoo-hinge``) into
    ``directory/name`` and return that path. Refuses to touch an existing path."""
    if not _NAME.match(name):
        raise ScaffoldError(f"{name!r} is not a valid package name: use letters, digits and single - _ . (e.g. ganzoo-hinge)")
    root = Path(directory) / name
    if root.exists():
        raise ScaffoldError(f"{root} already exists; choose another name or --dir (nothing was written)")
    values = _values(name, kinds)
    files = {
        "pyproject.toml": _render("pyproject.toml.tmpl", values),
        "README.md": _render("README.md.tmpl", values),
        f"src/{values['module']}/__init__.py": f'"""{values["title"]}: a ganzoo plugin."""\n\n__version__ = "0.1.0"\n',
        f"tests/test_{values['module']}.py": _render("test_plugin.py.tmpl", values),
    }
    for kind in kinds:
        module, _, _, template = _EXAMPLES[kind]
        files[f"src/{values['module']}/{module}.py"] = _render(template, values)
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def _values(name: str, kinds: tuple[str, ...]) -> dict[str, str]:
    import ganzoo

    module = re.sub(r"[-.]+", "_", name).lower()
    short = re.sub(r"^ganzoo[-_.]", "", name.lower()).replace("_", "-").replace(".", "-")
    entries = {kind: (f"{short}-{_EXAMPLES[kind][1]}", _target(module, kind, short)) for kind in kinds}

    def own_or(kind: str, builtin: str) -> str:
        return f"{name}:{entries[kind][0]}" if kind in entries else builtin

    blocks = "".join(
        f'\n[project.entry-points."{GROUPS[kind]}"]\n{entry} = "{target}"\n' for kind, (entry, target) in entries.items()
    )
    model = entries.get("model", ("", ""))[0]
    return {
        "dist": name,
        "module": module,
        "short": short,
        "title": short.replace("-", " ").title(),
        "ganzoo_version": ganzoo.__version__,
        "plugin_api": ganzoo.PLUGIN_API,
        "entry_points": blocks,
        "table": "\n".join(f"| `{entry}` | {kind} |" for kind, (entry, _) in entries.items()),
        "usage": f"ganzoo train {model}" if model else f"ganzoo info {next(iter(entries.values()))[0]}",
        "expected": repr(sorted((kind, entry) for kind, (entry, _) in entries.items())),
        "model_function": short.replace("-", "_") + "_gan",
        "model_name": model,
        "generator": own_or("generator", "ganzoo:mlp"),
        "discriminator": own_or("discriminator", "ganzoo:mlp"),
        "objective": own_or("objective", "ganzoo:non-saturating"),
        "data": entries["dataset"][0] if "dataset" in entries else "ring8",
    }


def _target(module: str, kind: str, short: str) -> str:
    file, _, attr, _ = _EXAMPLES[kind]
    return f"{module}.{file}:{attr.format(model_function=short.replace('-', '_') + '_gan')}"


def _render(template: str, values: dict[str, str]) -> str:
    text = resources.files("ganzoo").joinpath("templates", template).read_text(encoding="utf-8")
    return Template(text).substitute(values)
