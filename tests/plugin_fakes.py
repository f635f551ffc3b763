"""Fake installed distributions for the plugin tests: a ``*.dist-info`` folder with
``METADATA`` and ``entry_points.txt`` beside the plugin's modules, in a temporary
site directory that a test puts on ``sys.path``."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

OBJECTIVE_SOURCE = '''
from ganzoo.api import Objective
from ganzoo import ops


class Pair(Objective):
    """A BCE game used by the registry tests."""

    tags = ("test",)

    def __init__(self, real_target=1.0):
        self.real_target = real_target

    def discriminator_loss(self, real_logits, fake_logits):
        return ops.gan_pair_bce(real_logits, fake_logits, real_target=self.real_target)

    def generator_loss(self, fake_logits, real_logits=None):
        return ops.bce_with_logits(fake_logits, 1.0)


NOT_A_CLASS = 42


def make_model():
    from ganzoo.api import ModelSpec

    return ModelSpec(name="pair-mlp", generator="mlp", discriminator="mlp", objective="pair",
                     summary="MLP GAN with the test objective", defaults={"lr": 1e-3})


def failing_factory():
    raise RuntimeError("no weights here")
'''


def add_distribution(
    site: Path,
    name: str,
    *,
    version: str = "1.0",
    entry_points: dict[str, dict[str, str]] | None = None,
    api: str | None = None,
    modules: dict[str, str] | None = None,
) -> Path:
    """Write a distribution ``name`` into ``site``; ``modules`` maps file paths to source."""
    site.mkdir(parents=True, exist_ok=True)
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: test plugin {name}\n"
    )
    groups = dict(entry_points or {})
    if api is not None:
        groups["ganzoo.plugin_api"] = {api: name.replace("-", "_")}
    lines = []
    for group, entries in groups.items():
        lines.append(f"[{group}]")
        lines.extend(f"{key} = {value}" for key, value in entries.items())
        lines.append("")
    (info / "entry_points.txt").write_text("\n".join(lines))
    for path, source in (modules or {}).items():
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(source))
    return info


@pytest.fixture
def site(tmp_path, monkeypatch):
    """An empty site directory on ``sys.path``, with the registry's cache reset around the test."""
    from ganzoo import registry

    path = tmp_path / "site"
    path.mkdir()
    monkeypatch.syspath_prepend(str(path))
    for var in ("GANZOO_DISABLE_PLUGINS", "GANZOO_STRICT"):
        monkeypatch.delenv(var, raising=False)
    registry.reset()
    yield path
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", "") or "").startswith(str(tmp_path)):
            del sys.modules[name]
    registry.reset()
