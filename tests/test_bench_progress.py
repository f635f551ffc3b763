import io
import types

from ganzoo.bench import runner
from ganzoo.bench.progress import BenchProgress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def report_suite(progress, suite="loss", cases=("eager", "compile")):
    for i, what in enumerate(cases):
        progress(suite, i, len(cases), what)
    progress(suite, len(cases), len(cases), "done in 1 s")


def test_a_log_gets_one_plain_line_per_case_naming_it():
    out = io.StringIO()
    progress = BenchProgress(stream=out)
    report_suite(progress)
    progress.close()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue() and len(lines) == 3
    assert [line.split(" [")[0] for line in lines] == ["loss: 0/2", "loss: 1/2", "loss: 2/2"]
    assert lines[0].endswith("eager]") and lines[2].endswith("done in 1 s]")


def test_each_suite_gets_its_own_count():
    out = io.StringIO()
    progress = BenchProgress(stream=out)
    report_suite(progress, "loss")
    report_suite(progress, "startup", ("repetition 1",))
    progress.close()
    assert [line.split(" [")[0] for line in out.getvalue().splitlines()][-2:] == ["startup: 0/1", "startup: 1/1"]


def test_a_terminal_gets_a_live_bar():
    out = Terminal()
    progress = BenchProgress(stream=out)
    report_suite(progress)
    progress.close()
    assert "\r" in out.getvalue() and "compile" in out.getvalue()


def test_the_runner_reports_each_suite_over(monkeypatch):
    def run(device, quick, progress):
        progress(0, 3, "first case")
        return {"rows": []}

    monkeypatch.setattr(runner, "_suite_module", lambda name: types.SimpleNamespace(run=run))
    monkeypatch.setattr(runner.machine, "describe", lambda device: {})
    calls = []
    runner.run_suites(["startup"], progress=lambda *args: calls.append(args))
    assert calls[0] == ("startup", 0, 3, "first case")
    assert calls[-1][:3] == ("startup", 3, 3) and calls[-1][3].startswith("done in")
