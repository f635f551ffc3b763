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


def _train_in_a_process(out, steps=10**6):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "ganzoo", "train", "vanilla-mlp", *tiny_args(steps), "--set", "threads=1",
         "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def _wait_for(path, timeout=120):
    deadline = time.time() + timeout
    while not path.exists() and time.time() < deadline:
        time.sleep(0.02)


def _latest_loads(out):
    from ganzoo.train import checkpoint

    tensors, meta = checkpoint.load(checkpoint.resolve(out / "checkpoints"))
    return meta["step"]


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stop_signal_saves_a_checkpoint_and_exits_cleanly(tmp_path, sig, code):
    out = tmp_path / "run"
    proc = _train_in_a_process(out)
    _wait_for(out / "metrics.jsonl")
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr and "checkpoint saved" in stderr and signal.Signals(sig).name in stderr
    assert _latest_loads(out) >= 5


def test_two_ctrl_c_50_ms_apart_leave_latest_consistent(tmp_path):
    out = tmp_path / "run"
    proc = _train_in_a_process(out)
    _wait_for(out / "checkpoints" / "latest")
    proc.send_signal(signal.SIGINT)
    time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in stderr, stderr
    step = _latest_loads(out)
    assert invoke("train", "--resume", out, "--steps", step + 5, "--set", "threads=1").exit_code == 0
    assert not list(out.rglob("*.tmp"))


def _train_interrupted_at(point, out):
    """``ganzoo train`` sent a Ctrl-C at ``point`` of its start-up (see tests/interrupt_driver.py)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.interrupt_driver", point, "train", "vanilla-mlp", *tiny_args(5),
         "--set", "threads=1", "--out", str(out)],  # 5 steps: a lost Ctrl-C ends soon, with exit code 0
        capture_output=True, text=True, timeout=120, cwd=os.path.dirname(os.path.dirname(__file__)),
    )
    return result.returncode, result.stderr


# A Ctrl-C landing there used to print a traceback (click), kill the process by SIGINT after it
# said "Interrupted." (exec: CPython marks a KeyboardInterrupt that leaves exec() of a string), or
# vanish while training went on (numpy: torch drops what the import it makes from C raises).
@pytest.mark.parametrize("point", ["click", "exec", "numpy"])
def test_ctrl_c_while_starting_up_exits_130_without_a_traceback(tmp_path, point):
    code, stderr = _train_interrupted_at(point, tmp_path / "run")
    assert code == 130 and "Interrupted." in stderr and "Traceback" not in stderr, (code, stderr)


@pytest.fixture
def ctrl_c_as_main_sets_it():
    """This process's Ctrl-C handling as ``ganzoo.cli.main`` sets it while a command starts."""
    from ganzoo import interrupts

    before = signal.getsignal(signal.SIGINT)
    interrupts.catch_ctrl_c_while_starting()
    yield
    signal.signal(signal.SIGINT, before)


def _ctrl_c():
    os.kill(os.getpid(), signal.SIGINT)  # the handler runs as soon as this call returns


def test_a_ctrl_c_swallowed_while_starting_up_still_stops_before_training(tmp_path, monkeypatch,
                                                                         ctrl_c_as_main_sets_it):
    from ganzoo.train import build

    real_build = build.build

    def build_after_a_swallowed_ctrl_c(*args, **kwargs):
        try:  # as code that catches everything does
            _ctrl_c()
        except KeyboardInterrupt:
            pass
        return real_build(*args, **kwargs)

    monkeypatch.setattr(build, "build", build_after_a_swallowed_ctrl_c)
    result = invoke("train", "vanilla-mlp", *tiny_args(5), "--set", "threads=1", "--out", tmp_path / "run")
    assert result.exit_code == 130 and "Interrupted." in result.output, result.output
    assert not (tmp_path / "run" / "checkpoints" / "latest").exists()


def test_ctrl_c_once_the_run_is_built_saves_step_0(tmp_path, monkeypatch, ctrl_c_as_main_sets_it):
    from ganzoo.train.loggers import RunLoggers

    out, real_start = tmp_path / "run", RunLoggers.start

    def start_with_a_ctrl_c(self, *args):
        _ctrl_c()
        return real_start(self, *args)

    monkeypatch.setattr(RunLoggers, "start", start_with_a_ctrl_c)
    result = invoke("train", "vanilla-mlp", *tiny_args(10**6), "--set", "threads=1", "--out", out)
    assert result.exit_code == 130, result.output
    assert "Interrupted (SIGINT) at step 0; checkpoint saved" in result.output and _latest_loads(out) == 0
    monkeypatch.setattr(RunLoggers, "start", real_start)
    assert invoke("train", "--resume", out, "--steps", 5, "--set", "threads=1").exit_code == 0


# ---------------------------------------------------------------- file-system errors


def _error(result):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


def test_a_full_disk_is_one_message_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    import errno
    import pathlib

    out = tmp_path / "run"
    real_write = pathlib.Path.write_bytes

    def write_bytes(self, data):
        if self.name.startswith(".step-000020.safetensors."):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)
    output = _error(CliRunner().invoke(cli, ["train", "vanilla-mlp", *tiny_args(30), "--out", str(out)]))
    assert f"{out / 'checkpoints' / 'step-000020.safetensors'}: No space left on device" in output
    assert _latest_loads(out) == 10 and not list(out.rglob("*.tmp"))


def test_a_read_only_out_is_one_message(tmp_path, monkeypatch):
    import errno
    import pathlib

    real_mkdir = pathlib.Path.mkdir

    def mkdir(self, *args, **kwargs):
        if tmp_path / "ro" in (self, *self.parents):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", mkdir)
    output = _error(CliRunner().invoke(cli, ["train", "vanilla-mlp", *tiny_args(5), "--out", str(tmp_path / "ro" / "run")]))
    assert f"cannot create {tmp_path / 'ro' / 'run'}: Read-only file system" in output


def test_an_out_below_a_file_is_one_message(tmp_path):
    (tmp_path / "afile").write_text("mine")
    output = _error(CliRunner().invoke(cli, ["train", "vanilla-mlp", *tiny_args(5), "--out", str(tmp_path / "afile" / "sub")]))
    assert "afile" in output and "Not a directory" in output


def test_sample_out_that_is_a_folder_is_one_message(ring_run, tmp_path):
    (tmp_path / "pictures.png").mkdir()
    output = _error(CliRunner().invoke(cli, ["sample", str(ring_run), "--out", str(tmp_path / "pictures.png"), "--force"]))
    assert "pictures.png is a folder" in output


# ---------------------------------------------------------------- memory and size


@pytest.mark.parametrize("setting", ["batch_size=1000000000000", "latent_dim=100000000000"])
def test_a_setting_too_large_for_memory_is_one_message_naming_it(tmp_path, setting):
    output = _error(CliRunner().invoke(cli, ["train", "vanilla-mlp", *tiny_args(5), "--set", setting,
                                             "--out", str(tmp_path / "run")]))
    assert "out of memory" in output and setting.split("=")[0] in output


def test_sample_refuses_a_generator_that_yields_nan(ring_run, tmp_path):
    import hashlib

    from safetensors.torch import load_file, save

    blob = ring_run / "checkpoints" / "step-000020.safetensors"
    tensors = load_file(blob)
    tensors = {k: v * float("nan") if k.startswith("generator.") and v.is_floating_point() else v
               for k, v in tensors.items()}
    data = save(tensors, metadata={"format": "ganzoo-checkpoint-1"})
    blob.write_bytes(data)
    sidecar = blob.with_suffix(".json")
    sidecar.write_text(json.dumps({**json.loads(sidecar.read_text()), "sha256": hashlib.sha256(data).hexdigest()}))
    output = _error(CliRunner().invoke(cli, ["sample", str(ring_run), "--out", str(tmp_path / "s.npy")]))
    assert "NaN" in output and not (tmp_path / "s.npy").exists()


def test_sample_refuses_more_than_the_disk_holds_up_front(ring_run, tmp_path, monkeypatch):
    import shutil

    from ganzoo.cli import training

    monkeypatch.setattr(training.shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9 - 10**6, 10**6))
    output = _error(CliRunner().invoke(cli, ["sample", str(ring_run), "--n", "2000000", "--out", str(tmp_path / "s.npy")]))
    assert "16.0 MB" in output and not (tmp_path / "s.npy").exists()


def test_sample_memory_does_not_grow_with_n(ring_run, tmp_path):
    import tracemalloc

    n = 1_000_000  # 8 MB of float32 pairs
    tracemalloc.start()
    try:
        result = invoke("sample", ring_run, "--n", n, "--out", tmp_path / "many.npy")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.output
    assert peak < 4_000_000, peak
    samples = np.load(tmp_path / "many.npy", mmap_mode="r")
    assert samples.shape == (n, 2) and np.isfinite(samples[-10:]).all()


def test_sample_png_of_too_many_samples_is_refused_up_front(ring_run, tmp_path):
    output = _error(CliRunner().invoke(cli, ["sample", str(ring_run), "--n", "2000000000", "--out", str(tmp_path / "s.png")]))
    assert "at most" in output and ".npy" in output


def test_a_run_of_0_steps_can_be_sampled(tmp_path):
    out = tmp_path / "run"
    assert invoke("train", "vanilla-mlp", *tiny_args(0), "--out", out).exit_code == 0
    assert invoke("sample", out, "--n", 8, "--out", tmp_path / "s.npy").exit_code == 0


def test_sample_without_latest_uses_the_newest_checkpoint_and_says_so(ring_run, tmp_path):
    (ring_run / "checkpoints" / "latest").unlink()
    result = invoke("sample", ring_run, "--n", 8, "--out", tmp_path / "s.npy")
    assert result.exit_code == 0 and "Warning:" in result.output and "step-000020" in result.output
