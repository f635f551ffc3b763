"""ganzoo.bench.memory: a fresh process reports its peak memory."""

from ganzoo.bench.memory import peak_memory


def test_probe_reports_peak_and_what_the_steps_added():
    found = peak_memory("plain", "ring8", "cpu", steps=1)
    assert found["peak_memory_mb"] > 0 and found["steps_memory_mb"] >= 0
    assert found["peak_memory_mb"] >= found["before_steps_mb"] - 1
