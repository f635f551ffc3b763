"""Progress of the commands: on stderr, as plain lines when it is no terminal, never on stdout."""

import pytest
from click.testing import CliRunner

from ganzoo import progress
from ganzoo.cli import cli
from ganzoo.metrics import classifier
from tests.conftest import tiny_args


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_train_writes_its_step_lines_to_stderr_and_nothing_to_stdout(tmp_path):
    result = invoke("train", "vanilla-mlp", *tiny_args(10), "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    steps = [line for line in result.stderr.splitlines() if line.startswith("step ")]
    assert [line.split(",")[0] for line in steps] == ["step 5/10", "step 10/10"]
    assert "\r" not in result.stderr


@pytest.fixture(scope="module")
def digits_eval(tmp_path_factory):
    """One `ganzoo eval` of a 2-step digits run, its classifier trained for 5 steps."""
    tmp = tmp_path_factory.mktemp("progress")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GANZOO_CACHE", str(tmp / "cache"))
        mp.setitem(classifier.RECIPE, "steps", 5)
        mp.setitem(classifier.RECIPE, "batch_size", 16)
        mp.setattr(progress, "PLAIN_DELAY_S", 0)  # the steps are short here; show them all
        args = ["--steps", 2, "--set", "generator.hidden=16,16", "--set", "discriminator.hidden=16"]
        assert invoke("train", "vanilla-mlp", *args, "--out", tmp / "digits").exit_code == 0
        result = invoke("eval", tmp / "digits", "--n", 200)
    assert result.exit_code == 0, result.output
    return result


def test_eval_shows_the_progress_of_its_long_steps_on_stderr(digits_eval):
    for step in ("Parzen (samples)", "Parzen (real data)", "training the classifier", "classifier features"):
        assert any(line.startswith(step) and "/s" in line for line in digits_eval.stderr.splitlines()), step
    assert "\r" not in digits_eval.stderr


def test_eval_keeps_stdout_for_its_table(digits_eval):
    assert digits_eval.stdout.splitlines()[0].split() == ["data", "digits"]
    assert "Parzen (" not in digits_eval.stdout and "/s" not in digits_eval.stdout
