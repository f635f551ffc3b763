import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from ganzoo.cli import cli
from tests.conftest import tiny_args


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def ring_run(tmp_path):
    out = tmp_path / "ring"
    result = invoke("train", "vanilla-mlp", *tiny_args(20), "--seed", 1, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_train_reports_progress_and_the_run_directory(ring_run):
    assert (ring_run / "checkpoints" / "latest").exists()


def test_train_then_resume_continues_the_same_run(ring_run):
    result = invoke("train", "--resume", ring_run, "--steps", 30)
    assert result.exit_code == 0, result.output
    assert "Resuming" in result.output and "step 20 of 30" in result.output
    assert (ring_run / "checkpoints" / "latest").read_text().strip() == "step-000030"


def test_sample_npy_is_float32_in_data_space(ring_run, tmp_path):
    out = tmp_path / "ring.npy"
    result = invoke("sample", ring_run, "--n", 2500, "--out", out)
    assert result.exit_code == 0, result.output
    samples = np.load(out)
    assert samples.shape == (2500, 2) and samples.dtype == np.float32


def test_sample_is_reproducible_from_its_seed(ring_run, tmp_path):
    for name in ("a.npy", "b.npy"):
        invoke("sample", ring_run, "--n", 10, "--seed", 3, "--out", tmp_path / name)
    assert np.array_equal(np.load(tmp_path / "a.npy"), np.load(tmp_path / "b.npy"))


def test_sample_png_of_points_is_a_scatter_plot(ring_run, tmp_path):
    out = tmp_path / "grid.png"
    assert invoke("sample", ring_run, "--n", 64, "--out", out).exit_code == 0
    assert Image.open(out).size == (512, 512)


def test_sample_png_of_images_is_a_grid(tmp_path):
    out = tmp_path / "digits"
    args = ["--steps", 2, "--set", "generator.hidden=16,16", "--set", "discriminator.hidden=16"]
    assert invoke("train", "vanilla-mlp", *args, "--out", out).exit_code == 0
    assert invoke("sample", out, "--n", 16, "--out", tmp_path / "g.png").exit_code == 0
    assert Image.open(tmp_path / "g.png").mode == "L"


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "vanila-mlp"], "did you mean 'vanilla-mlp'"),
        (["train", "vanilla-mlp", "--set", "lr"], "write key=value"),
        (["train", "vanilla-mlp", "--set", "learning_rate=1"], "valid keys: batch_size"),
        (["train", "vanilla-mlp", "--data", "ring9"], "did you mean 'ring8'"),
        (["train", "vanilla-mlp", "--data", "missing/points.npy"], "missing/points.npy"),
        (["train"], "name a model"),
        (["sample", "no-such-run", "--out", "x.npy"], "no run directory"),
        (["sample", ".", "--out", "x.txt"], ".npy or .png"),
    ],
)
def test_user_errors_exit_2_with_one_clear_line(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_out_that_is_not_a_run_is_never_touched(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(cli, ["train", "vanilla-mlp", *tiny_args(5), "--out", str(out)])
    assert result.exit_code == 2 and "not a ganzoo run" in result.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_out_that_is_a_run_points_to_resume(ring_run):
    result = CliRunner().invoke(cli, ["train", "vanilla-mlp", *tiny_args(5), "--out", str(ring_run)])
    assert result.exit_code == 2 and "--resume" in result.output


def test_sample_refuses_to_overwrite_without_force(ring_run, tmp_path):
    out = tmp_path / "keep.npy"
    out.write_bytes(b"user data")
    result = CliRunner().invoke(cli, ["sample", str(ring_run), "--out", str(out)])
    assert result.exit_code == 2 and "--force" in result.output
    assert out.read_bytes() == b"user data"


def test_corrupt_checkpoint_is_a_user_error(ring_run, tmp_path):
    blob = ring_run / "checkpoints" / "step-000020.safetensors"
    blob.write_bytes(blob.read_bytes()[:100])
    result = CliRunner().invoke(cli, ["sample", str(ring_run), "--out", str(tmp_path / "s.npy")])
    assert result.exit_code == 2 and "corrupt" in result.output and "Traceback" not in result.output


def test_ctrl_c_saves_a_checkpoint_and_exits_cleanly(tmp_path):
    out = tmp_path / "run"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ganzoo", "train", "vanilla-mlp", *tiny_args(10**6), "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    deadline = time.time() + 60
    while not (out / "metrics.jsonl").exists() and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "checkpoint saved" in stderr
    latest = (out / "checkpoints" / "latest").read_text().strip()
    sidecar = json.loads((out / "checkpoints" / f"{latest}.json").read_text())
    assert sidecar["step"] >= 5
