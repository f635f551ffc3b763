"""The example plugin package in plugins/ganzoo-relativistic, when installed (the README's
set-up installs it): listed by ganzoo and keeping the contract. Its own tests live in
plugins/ganzoo-relativistic/tests."""

from __future__ import annotations

from importlib import metadata

import pytest

from ganzoo import registry, testing

try:
    metadata.distribution("ganzoo-relativistic")
except metadata.PackageNotFoundError:
    pytest.skip("ganzoo-relativistic is not installed (pip install -e plugins/ganzoo-relativistic)",
                allow_module_level=True)


def test_listed_with_its_api_version():
    found = {(p.kind, p.name): p for p in registry.list_plugins(pattern="ganzoo-relativistic:*")}
    assert set(found) >= {("objective", "ragan"), ("objective", "ralsgan"), ("model", "ragan-mlp")}
    assert all(p.status == "ok" and p.api == "1.0" for p in found.values())


def test_keeps_the_contract():
    assert "ganzoo-relativistic:ragan-mlp" in testing.check_plugin("ganzoo-relativistic")


def test_provenance_names_the_package():
    assert registry.origin("objective", "ragan")["package"] == "ganzoo-relativistic"
