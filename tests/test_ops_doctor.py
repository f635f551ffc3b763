"""``ganzoo doctor`` (ganzoo/cli/doctor.py): versions and the state of each loss backend."""

from __future__ import annotations

import json

from click.testing import CliRunner

from ganzoo.cli import cli


def test_doctor_lists_every_backend_and_why_one_is_missing():
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == 0, result.output
    for word in ("torch", "nvcc", "C++ compiler", "ganzoo._C", "reference", "cpp", "cuda"):
        assert word in result.output
    assert "reference  ok" in result.output


def test_doctor_json():
    result = CliRunner().invoke(cli, ["doctor", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["backends"]["reference"] == "ok"
    assert info["backends"]["cpp"] == "ok", info["extension_error"]
    assert info["backends"]["cuda"].strip()  # "ok", or the reason it is missing
    assert info["torch"]
