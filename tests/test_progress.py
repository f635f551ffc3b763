import io

from ganzoo import progress
from ganzoo.progress import progress_bar, write


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_plain_lines_are_whole_lines_without_carriage_returns_or_escapes():
    out = io.StringIO()
    for _ in progress_bar(range(5), desc="scoring", stream=out, show=True, interval=0, delay=0):
        pass
    text = out.getvalue()
    assert "\r" not in text and "\033" not in text
    assert text.endswith("\n") and all(line.startswith("scoring: ") for line in text.splitlines())


def test_plain_bar_ends_with_its_final_state_once():
    out = io.StringIO()
    with progress_bar(total=4, desc="step", stream=out, show=True, interval=float("inf"), delay=0) as bar:
        bar.update(4)
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("step: 4/4") and sum(line.startswith("step: 4/4") for line in lines) == 1


def test_plain_lines_show_rate_and_time_left():
    out = io.StringIO()
    with progress_bar(total=10, desc="step", unit="img", stream=out, show=True, interval=0, delay=0) as bar:
        bar.update(5)
    half = next(line for line in out.getvalue().splitlines() if line.startswith("step: 5/10"))
    assert "img/s" in half and "<" in half  # elapsed<remaining


def test_a_terminal_gets_a_live_bar():
    out = Terminal()
    for _ in progress_bar(range(3), desc="scoring", stream=out):
        pass
    assert "\r" in out.getvalue() and "scoring" in out.getvalue()


def test_by_default_a_log_gets_nothing():
    out = io.StringIO()
    for _ in progress_bar(range(3), stream=out, delay=0):
        pass
    assert out.getvalue() == ""


def test_show_false_is_silent_even_on_a_terminal():
    out = Terminal()
    assert list(progress_bar(range(3), stream=out, show=False)) == [0, 1, 2]
    assert out.getvalue() == ""


def test_progress_goes_to_stderr_not_stdout(capsys):
    for _ in progress_bar(range(3), desc="scoring", show=True, delay=0):
        pass
    captured = capsys.readouterr()
    assert captured.out == "" and "scoring: 3/3" in captured.err


def test_a_message_in_a_log_comes_as_its_own_line_between_progress_lines():
    out = io.StringIO()
    with progress_bar(total=2, desc="runs", stream=out, show=True, interval=0, delay=0) as bar:
        write("first result", stream=out)
        bar.update(1)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines[:2] == ["runs: 0/2 [00:00<?, ?it/s]", "first result"]
    assert len(lines) == 3 and lines[2].startswith("runs: 1/2")  # no redraw after the message


def test_a_step_over_within_the_plain_delay_leaves_no_line(monkeypatch):
    monkeypatch.setattr(progress, "PLAIN_DELAY_S", 1e9)
    out = io.StringIO()
    for _ in progress_bar(range(3), stream=out, show=True):
        pass
    assert out.getvalue() == ""
