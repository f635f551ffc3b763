"""Building a run: the networks' output shapes are checked on a tiny batch before any run
directory exists, and the check leaves the networks as they were built."""

from __future__ import annotations

import pytest
import torch
from click.testing import CliRunner
from tests.plugin_fakes import add_distribution, site  # noqa: F401

from ganzoo.errors import PluginError

SHAPES_SOURCE = '''
import torch
from torch import nn
from ganzoo.api import Discriminator, Generator, ModelSpec


class ThreeColumns(Generator):
    """Returns three columns, whatever the data."""

    def __init__(self, data, latent_dim=100, num_classes=0):
        super().__init__(data, latent_dim, num_classes)
        self.linear = nn.Linear(latent_dim, 3)

    def forward(self, z, labels=None):
        return self.linear(z)


class Flat(ThreeColumns):
    """Forgets to reshape images."""

    def __init__(self, data, latent_dim=100, num_classes=0):
        super().__init__(data, latent_dim, num_classes)
        self.linear = nn.Linear(latent_dim, data.numel)

    def forward(self, z, labels=None):
        return torch.tanh(self.linear(z))


class Boxed(Discriminator):
    """Returns logits shaped (n, 1, 1)."""

    def __init__(self, data, num_classes=0):
        super().__init__(data, num_classes)
        self.linear = nn.Linear(data.numel, 1)

    def forward(self, x, labels=None):
        return self.linear(x.flatten(1)).view(-1, 1, 1)


def _spec(name, generator="ganzoo:mlp", discriminator="ganzoo:mlp", data="ring8"):
    return ModelSpec(name=name, generator=generator, discriminator=discriminator, objective="ganzoo:minimax",
                     summary="s", defaults={"data": data})


def three_columns():
    return _spec("three-columns", generator="three-columns")


def flat():
    return _spec("flat", generator="flat", data="digits")


def boxed():
    return _spec("boxed", discriminator="boxed")
'''


@pytest.fixture
def shapes(site):
    add_distribution(site, "fake-shapes", entry_points={
        "ganzoo.generators": {"three-columns": "fake_shapes:ThreeColumns", "flat": "fake_shapes:Flat"},
        "ganzoo.discriminators": {"boxed": "fake_shapes:Boxed"},
        "ganzoo.models": {name: f"fake_shapes:{name.replace('-', '_')}" for name in ("three-columns", "flat", "boxed")},
    }, modules={"fake_shapes.py": SHAPES_SOURCE})


@pytest.mark.parametrize("model, part, found", [
    ("three-columns", "generator", "returned shape (2, 3)"),
    ("flat", "generator", "returned shape (2, 64)"),
    ("boxed", "discriminator", "returned shape (2, 1, 1)"),
])
def test_wrong_output_shape_is_refused_before_the_run_directory(shapes, tmp_path, model, part, found):
    from ganzoo.train import start_run

    out = tmp_path / "run"
    name = model if part == "generator" else "boxed"
    with pytest.raises(PluginError) as err:
        start_run(model, out, {"steps": 20})
    message = str(err.value)
    assert message.startswith(f"{part} 'fake-shapes:{name}' (fake-shapes 1.0) {found}")
    assert not out.exists()


def test_train_with_a_wrong_shape_exits_2_without_a_traceback(shapes, tmp_path):
    from ganzoo.cli import cli

    out = tmp_path / "run"
    result = CliRunner().invoke(cli, ["train", "flat", "--steps", "20", "--out", str(out)])
    assert result.exit_code == 2
    assert "Error: generator 'fake-shapes:flat'" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_the_shape_check_leaves_the_networks_as_built():
    from ganzoo.train.build import build, resolve_config

    parts = build(resolve_config("vanilla-mlp", {"data": "ring8"}), torch.device("cpu"))
    norms = [m for m in parts.generator.modules() if isinstance(m, torch.nn.BatchNorm1d)]
    assert norms and all(int(m.num_batches_tracked) == 0 for m in norms)
    assert parts.generator.training and parts.discriminator.training


def test_a_torch_error_from_a_plugins_network_on_given_settings_is_a_config_error(monkeypatch):
    from ganzoo.errors import ConfigError
    from ganzoo.train.build import _construct

    class Strict(torch.nn.Module):
        def __init__(self, width=4):
            super().__init__()
            self.w = torch.nn.Parameter(torch.empty(width))  # torch raises RuntimeError for a negative size

    monkeypatch.setattr("ganzoo.registry.get", lambda kind, name: Strict)
    with pytest.raises(ConfigError, match="cannot build generator 'pkg:strict' with \\{'width': -3\\}"):
        _construct("generator", "pkg:strict", {"width": -3}, {})
    with pytest.raises(RuntimeError):  # with no settings given it is the plugin's bug: a traceback
        monkeypatch.setattr(Strict, "__init__", lambda self: (_ for _ in ()).throw(RuntimeError("bug")))
        _construct("generator", "pkg:strict", {}, {})
