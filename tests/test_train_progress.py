import io
import re
import sys

import pytest

from ganzoo.train import start_run
from ganzoo.train.progress import Progress

STEPS = 20  # TINY logs every 5 steps: 4 logged steps


class Terminal(io.StringIO):
    def isatty(self):
        return True


def fit(tmp_path, tiny, progress=None):
    settings = {**tiny, "steps": STEPS, "sample_every": 1000, "checkpoint_every": 1000}  # one of each, at the end
    trainer = start_run("vanilla-mlp", tmp_path / "run", settings, progress=progress)
    assert trainer.fit() == "done"
    return trainer


def test_a_log_gets_one_line_per_logged_step_with_losses_speed_and_time_left(tmp_path, tiny):
    out = io.StringIO()
    fit(tmp_path, tiny, Progress(stream=out))
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert [line.split(",")[0] for line in lines] == [f"step {s}/{STEPS}" for s in (5, 10, 15, 20)]
    pattern = (r"step \d+/\d+, d_loss -?\d+\.\d{3}, g_loss -?\d+\.\d{3}, D\(x\) \d\.\d\d, D\(G\(z\)\) \d\.\d\d, "
               r" *[\d.]+(step/s|s/step), left \d\d:\d\d$")
    assert all(re.match(pattern, line) for line in lines), lines


def test_a_terminal_gets_a_live_bar_with_the_losses(tmp_path, tiny):
    out = Terminal()
    fit(tmp_path, tiny, Progress(stream=out))
    text = out.getvalue()
    assert "\r" in text and f"{STEPS}/{STEPS}" in text and "d_loss" in text


def test_the_python_api_is_silent_by_default_when_stderr_is_no_terminal(tmp_path, tiny, capsys):
    fit(tmp_path, tiny)
    assert capsys.readouterr().err == ""


def test_the_python_api_shows_progress_by_default_on_a_terminal(tmp_path, tiny, monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    fit(tmp_path, tiny)
    assert f"{STEPS}/{STEPS}" in sys.stderr.getvalue()


def test_progress_false_is_silent_even_on_a_terminal(tmp_path, tiny, monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    fit(tmp_path, tiny, progress=False)
    assert sys.stderr.getvalue() == ""


def test_progress_true_writes_plain_lines_to_stderr_only(tmp_path, tiny, capsys):
    fit(tmp_path, tiny, progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 4


class Recorder:
    def __init__(self):
        self.calls = []

    def start(self, step, total):
        self.calls.append(("start", step, total))

    def advance(self, step):
        self.calls.append(("advance", step))

    def update(self, step, row):
        self.calls.append(("update", step, sorted(row)))

    def close(self):
        self.calls.append(("close",))


def test_a_progress_object_of_ones_own_receives_every_step_and_every_row(tmp_path, tiny):
    recorder = Recorder()
    fit(tmp_path, tiny, recorder)
    calls = recorder.calls
    assert calls[0] == ("start", 0, STEPS) and calls[-1] == ("close",)
    assert [c[1] for c in calls if c[0] == "advance"] == list(range(1, STEPS + 1))
    updates = [c for c in calls if c[0] == "update"]
    assert [c[1] for c in updates] == [5, 10, 15, 20]
    assert {"d_loss", "g_loss", "d_real", "d_fake"} <= set(updates[0][2])


@pytest.mark.parametrize("live", [False, True])
def test_a_resumed_run_counts_from_its_step(tmp_path, tiny, live):
    from ganzoo.train import resume_run

    fit(tmp_path, tiny, progress=False)
    out = Terminal() if live else io.StringIO()
    trainer = resume_run(tmp_path / "run", {"steps": STEPS + 5}, progress=Progress(stream=out))
    trainer.fit()
    assert f"{STEPS + 5}/{STEPS + 5}" in out.getvalue()
    assert live or out.getvalue().splitlines()[0].startswith(f"step {STEPS + 5}/")
