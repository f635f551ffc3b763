"""ganzoo.bench.timing: summaries, rotation order, interleaved host-clock timing."""

from ganzoo.bench import timing


def test_summarize_reports_median_and_quartiles():
    stats = timing.summarize([5.0, 1.0, 3.0, 2.0, 4.0], inner=3)
    assert (stats.median, stats.p25, stats.p75, stats.samples, stats.inner) == (3.0, 2.0, 4.0, 5, 3)


def test_summarize_of_one_sample():
    assert timing.summarize([2.0]).p25 == timing.summarize([2.0]).p75 == 2.0


def test_rotations_start_each_repetition_with_the_next_name():
    assert timing.rotations(["a", "b", "c"], 4) == [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"], ["a", "b", "c"]]


def test_interleaved_cpu_alternates_the_functions():
    calls = []
    fns = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    stats = timing.interleaved_cpu(fns, reps=4, warmup=0, min_sample_s=0.0)
    assert set(stats) == {"a", "b"} and all(s.samples == 4 for s in stats.values())
    timed = calls[2:]  # after one calibration call each
    assert timed == ["a", "b", "b", "a", "a", "b", "b", "a"]


def test_calls_per_sample_is_capped():
    assert timing.calls_per_sample(lambda: None, min_sample_s=10.0, cap=50) == 50
