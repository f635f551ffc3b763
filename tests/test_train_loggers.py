"""Run loggers: metrics.jsonl always, TensorBoard on request, third-party loggers that
see exactly what metrics.jsonl holds, and broken ones that never stop a run."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from ganzoo import testing
from ganzoo.cli import cli
from ganzoo.errors import ConfigError, GanzooError, UnknownNameError
from ganzoo.train import resume_run, start_run
from ganzoo.train.config import TrainConfig, apply_overrides, parse_assignments
from ganzoo.train.loggers import RunLoggers, requested
from tests.conftest import tiny_args
from tests.plugin_fakes import add_distribution, site  # noqa: F401

RECORDER_SOURCE = '''
import json
from ganzoo.api import RunLogger


class Recorder(RunLogger):
    """Keeps what it is given in RUN_DIR/recorded/."""

    def start(self, run_dir, config, step):
        self.dir = run_dir / "recorded"
        self.dir.mkdir(exist_ok=True)
        (self.dir / "start.json").write_text(json.dumps({"step": step, "model": config["model"]}))

    def log(self, row):
        with open(self.dir / "rows.jsonl", "a") as f:
            f.write(json.dumps(row) + "\\n")

    def image(self, step, png):
        (self.dir / f"image-{step}.png").write_bytes(png)

    def close(self):
        (self.dir / "closed").write_text("yes")
'''

FAILING_SOURCE = '''
from ganzoo.api import RunLogger


class Failing(RunLogger):
    """Raises in the hook named by FAIL_IN."""

    FAIL_IN = "{hook}"

    @classmethod
    def unavailable(cls):
        cls._maybe_fail("unavailable")
        return ""

    def __init__(self):
        self._maybe_fail("__init__")

    @classmethod
    def _maybe_fail(cls, hook):
        if hook == cls.FAIL_IN:
            raise RuntimeError("the dashboard is down")

    def start(self, run_dir, config, step):
        self._maybe_fail("start")

    def log(self, row):
        self._maybe_fail("log")

    def image(self, step, png):
        self._maybe_fail("image")

    def close(self):
        self._maybe_fail("close")
'''


def _rows(run_dir):
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


def _events(run_dir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(run_dir / "tensorboard"), size_guidance={"scalars": 0, "images": 0})
    events.Reload()
    return events


def _install_recorder(site):
    add_distribution(site, "fake-recorder", entry_points={"ganzoo.loggers": {"recorder": "fake_recorder:Recorder"}},
                     modules={"fake_recorder.py": RECORDER_SOURCE})


# ---------------------------------------------------------------- the setting


def test_the_setting_takes_a_comma_separated_list():
    config = apply_overrides(TrainConfig(), parse_assignments(["loggers=jsonl,tensorboard"]), components={})
    assert config.loggers == "jsonl,tensorboard"


def test_jsonl_is_implied_and_names_count_once():
    assert requested("jsonl, tensorboard,tensorboard,,ganzoo:jsonl") == ["tensorboard"]
    assert requested(None) == []


def test_an_unknown_logger_stops_the_run_before_its_directory_exists(tmp_path, tiny):
    with pytest.raises(UnknownNameError, match="unknown logger 'tensorbord'; did you mean 'tensorboard'"):
        start_run("vanilla-mlp", tmp_path / "run", {**tiny, "steps": 5, "loggers": "tensorbord"})
    assert not (tmp_path / "run").exists()


# ---------------------------------------------------------------- metrics.jsonl


def test_rows_carry_both_learning_rates(tmp_path, tiny):
    settings = {**tiny, "steps": 20, "lr_decay": "linear", "lr": 1e-3, "d_lr": 4e-3}
    start_run("vanilla-mlp", tmp_path / "run", settings).fit()
    first = _rows(tmp_path / "run")[0]
    # step 5 trained at 1 - 4/20 of the configured rates
    assert first["lr_g"] == pytest.approx(1e-3 * 0.8) and first["lr_d"] == pytest.approx(4e-3 * 0.8)


def test_a_failing_metrics_jsonl_stops_the_run(tmp_path, tiny):
    trainer = start_run("vanilla-mlp", tmp_path / "run", {**tiny, "steps": 10})
    trainer.run.metrics_path.mkdir()  # the record of the run cannot be written
    with pytest.raises((OSError, GanzooError), match="metrics.jsonl"):  # not swallowed like a plugin's failure
        trainer.fit()


def test_a_logger_set_of_none_writes_nothing(tmp_path, tiny):
    trainer = start_run("vanilla-mlp", tmp_path / "run", {**tiny, "steps": 10})
    trainer.loggers = RunLoggers.none()
    assert trainer.fit() == "done"
    assert not trainer.run.metrics_path.exists()


# ---------------------------------------------------------------- TensorBoard


def test_tensorboard_holds_the_rows_and_the_sample_grids(tmp_path, tiny):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "steps": 20, "loggers": "tensorboard"}).fit()
    rows, events = _rows(out), _events(out)
    for key, tag in [("d_loss", "loss/discriminator"), ("g_loss", "loss/generator"), ("d_real", "D/real"),
                     ("d_fake", "D/fake"), ("lr_g", "lr/generator"), ("lr_d", "lr/discriminator")]:
        scalars = events.Scalars(tag)
        assert [s.step for s in scalars] == [r["step"] for r in rows], tag
        assert [s.value for s in scalars] == pytest.approx([r[key] for r in rows], rel=1e-6), tag
    grids = events.Images("samples")
    assert [g.step for g in grids] == [10, 20]
    from PIL import Image

    with Image.open(out / "samples" / "step-000020.png") as sample:
        assert (grids[-1].width, grids[-1].height) == sample.size


def test_tensorboard_after_a_resume_holds_each_step_once(tmp_path, tiny):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "steps": 15, "checkpoint_every": 10, "loggers": "tensorboard"}).fit()
    resume_run(out, {"steps": 20}, checkpoint="10").fit()
    rows, events = _rows(out), _events(out)
    scalars = events.Scalars("loss/generator")
    assert [s.step for s in scalars] == [5, 10, 15, 20]
    assert [s.value for s in scalars] == pytest.approx([r["g_loss"] for r in rows], rel=1e-6)
    assert [g.step for g in events.Images("samples")] == [10, 20]


def test_tensorboard_missing_is_a_clear_error_before_the_run_directory(tmp_path, tiny, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # as if not installed
    with pytest.raises(ConfigError, match=r"pip install 'ganzoo\[tensorboard\]'"):
        start_run("vanilla-mlp", tmp_path / "run", {**tiny, "steps": 5, "loggers": "tensorboard"})
    assert not (tmp_path / "run").exists()


def test_tensorboard_missing_exits_2_from_the_cli(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    args = ["train", "vanilla-mlp", *tiny_args(5), "--set", "loggers=tensorboard", "--out", str(tmp_path / "run")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "Error:" in result.output and "ganzoo[tensorboard]" in result.output
    assert "Traceback" not in result.output


def test_tensorboard_missing_on_resume_can_be_left_out(tmp_path, tiny, monkeypatch):
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "steps": 10, "loggers": "tensorboard"}).fit()
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    with pytest.raises(ConfigError, match="leave tensorboard out of the loggers setting"):
        resume_run(out, {"steps": 20})
    assert resume_run(out, {"steps": 20, "loggers": "jsonl"}).fit() == "done"


# ---------------------------------------------------------------- third-party loggers


def test_a_plugin_logger_gets_exactly_the_rows_and_grids_the_run_writes(site, tmp_path, tiny):
    _install_recorder(site)
    out = tmp_path / "run"
    assert start_run("vanilla-mlp", out, {**tiny, "steps": 20, "loggers": "recorder"}).fit() == "done"
    recorded = out / "recorded"
    assert [json.loads(line) for line in (recorded / "rows.jsonl").read_text().splitlines()] == _rows(out)
    for step in (10, 20):
        assert (recorded / f"image-{step}.png").read_bytes() == (out / "samples" / f"step-{step:06d}.png").read_bytes()
    assert sorted(p.name for p in recorded.glob("image-*")) == ["image-10.png", "image-20.png"]
    assert json.loads((recorded / "start.json").read_text()) == {"step": 0, "model": "vanilla-mlp"}
    assert (recorded / "closed").exists()


def test_a_plugin_logger_starts_at_the_resumed_step(site, tmp_path, tiny):
    _install_recorder(site)
    out = tmp_path / "run"
    start_run("vanilla-mlp", out, {**tiny, "steps": 10, "loggers": "recorder"}).fit()
    resume_run(out, {"steps": 15}).fit()
    assert json.loads((out / "recorded" / "start.json").read_text())["step"] == 10


@pytest.mark.parametrize("hook", ["unavailable", "__init__", "start", "log", "image", "close"])
def test_a_logger_that_raises_is_reported_once_and_the_run_goes_on(site, tmp_path, tiny, capsys, hook):
    add_distribution(site, "fake-failing", version="0.3", entry_points={"ganzoo.loggers": {"failing": "fake_failing:Failing"}},
                     modules={"fake_failing.py": FAILING_SOURCE.replace("{hook}", hook)})
    out = tmp_path / "run"
    assert start_run("vanilla-mlp", out, {**tiny, "steps": 20, "loggers": "failing"}).fit() == "done"
    reports = [line for line in capsys.readouterr().err.splitlines() if "failing" in line]
    assert len(reports) == 1, reports
    assert "logger 'failing' from package 'fake-failing' 0.3" in reports[0]
    assert "the dashboard is down" in reports[0]
    assert [r["step"] for r in _rows(out)] == [5, 10, 15, 20]


def test_a_logger_that_cannot_be_imported_is_reported_and_the_run_goes_on(site, tmp_path, tiny, capsys):
    add_distribution(site, "fake-broken", entry_points={"ganzoo.loggers": {"broken": "fake_broken:Logger"}},
                     modules={"fake_broken.py": "raise ImportError('needs wandb')\n"})
    out = tmp_path / "run"
    assert start_run("vanilla-mlp", out, {**tiny, "steps": 10, "loggers": "broken"}).fit() == "done"
    err = capsys.readouterr().err
    assert "logger 'broken' from package 'fake-broken' 1.0 is broken" in err and "needs wandb" in err
    assert [r["step"] for r in _rows(out)] == [5, 10]


def test_the_contract_kit_reports_a_logger_that_raises(site):
    add_distribution(site, "fake-failing", entry_points={"ganzoo.loggers": {"failing": "fake_failing:Failing"}},
                     modules={"fake_failing.py": FAILING_SOURCE.replace("{hook}", "image")})
    with pytest.raises(testing.ContractError, match="logger fake-failing:failing: RuntimeError: the dashboard is down"):
        testing.check_plugin("fake-failing")
