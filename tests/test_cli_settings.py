"""Bad settings, devices and data files on the command line: one ``Error:`` line, exit code 2."""

import numpy as np
import pytest
from click.testing import CliRunner

from ganzoo.cli import cli
from tests.conftest import tiny_args


def train(tmp_path, *args):
    return CliRunner().invoke(cli, ["train", "vanilla-mlp", *tiny_args(2), "--out", str(tmp_path / "run"),
                                    *map(str, args)])


def assert_one_error_line(result, message):
    assert result.exit_code == 2, (result.output, result.exception)
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("setting, message", [
    ("betas=0.5,2", "betas must both lie in [0, 1)"),
    ("momentum=-1", "momentum must lie in [0, 1)"),
    ("lr=1e999", "lr must be a finite number > 0"),
    ("generator.hidden=-3", "hidden must be a whole number >= 1, got -3"),
    ("generator.hidden=abc", "hidden must be a width or a list of widths"),
    ("generator.hidden=1.5", "hidden must be a whole number >= 1, got 1.5"),
    ("discriminator.hidden=0", "cannot build discriminator"),
    ("generator.batchnorm=maybe", "batchnorm must be true or false"),
    ("objective.gp_weight=NaN", "gp_weight must be a finite number >= 0"),
])
def test_bad_settings_are_one_clear_line(tmp_path, setting, message):
    assert_one_error_line(train(tmp_path, "--set", setting), message)


@pytest.mark.parametrize("device", ["meta", "xla", "mps"])
def test_unsupported_devices_are_one_clear_line(tmp_path, device):
    assert_one_error_line(train(tmp_path, "--device", device), "use auto, cpu, cuda or cuda:N")


def test_a_cuda_device_that_is_not_there_is_one_clear_line(tmp_path):
    assert_one_error_line(train(tmp_path, "--device", "cuda:99"), "--device cuda:99 asked for, but this torch sees")


def test_data_whose_samples_are_empty_is_one_clear_line(tmp_path):
    np.save(tmp_path / "empty.npy", np.zeros((10, 0), np.float32))
    assert_one_error_line(train(tmp_path, "--data", tmp_path / "empty.npy"), "samples hold no values")


def test_a_text_file_named_npy_is_one_clear_line(tmp_path):
    (tmp_path / "points.npy").write_text("1,2\n3,4\n")
    assert_one_error_line(train(tmp_path, "--data", tmp_path / "points.npy"), "points.npy is not a NumPy file")
