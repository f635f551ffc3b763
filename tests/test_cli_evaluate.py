import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from ganzoo.cli import cli
from tests.conftest import tiny_args


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def ring_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("eval") / "ring"
    result = invoke("train", "vanilla-mlp", *tiny_args(20), "--seed", 1, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_eval_writes_eval_json_and_prints_a_table(ring_run):
    result = invoke("eval", ring_run)
    assert result.exit_code == 0, result.output
    report = json.loads((ring_run / "eval.json").read_text())
    assert report["format"] == "ganzoo-eval-1" and report["protocol"] == "modes" and report["n"] == 2500
    assert report["step"] == 20 and report["data"] == "ring8"
    assert "modes captured" in result.output and f"{report['mode_coverage']['modes']} / 8" in result.output


def test_eval_takes_n_seed_and_checkpoint(ring_run):
    result = invoke("eval", ring_run, "--n", 100, "--seed", 2, "--checkpoint", 10)
    assert result.exit_code == 0, result.output
    report = json.loads((ring_run / "eval.json").read_text())
    assert (report["n"], report["seed"], report["step"]) == (100, 2, 10)


def test_eval_of_a_folder_that_is_no_run_is_a_one_line_error(tmp_path):
    result = invoke("eval", tmp_path)
    assert result.exit_code == 2
    assert result.output.startswith("Error:") and "not a ganzoo run" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_eval_of_a_missing_folder_is_an_error(tmp_path):
    result = invoke("eval", tmp_path / "nowhere")
    assert result.exit_code == 2 and "no run directory" in result.output


def test_eval_of_a_corrupt_checkpoint_is_an_error(ring_run, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(ring_run, copy)
    (copy / "eval.json").unlink(missing_ok=True)
    latest = (copy / "checkpoints" / "latest").read_text().strip()
    (copy / "checkpoints" / f"{latest}.safetensors").write_bytes(b"not a checkpoint")
    result = invoke("eval", copy)
    assert result.exit_code == 2 and "corrupt" in result.output
    assert not (copy / "eval.json").exists()


def test_unknown_checkpoint_is_an_error(ring_run):
    result = invoke("eval", ring_run, "--checkpoint", 999)
    assert result.exit_code == 2 and "not found" in result.output


def test_eval_module_does_not_import_torch():
    code = "import sys, ganzoo.cli.evaluate; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_inception_weights_need_their_hash(ring_run, tmp_path):
    result = invoke("eval", ring_run, "--inception-weights", tmp_path / "net.pt")
    assert result.exit_code == 2 and "--inception-sha256" in result.output
