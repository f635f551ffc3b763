"""ganzoo.bench.formatting: how numbers read in the tables."""

from ganzoo.bench import formatting as fmt


def test_seconds_pick_a_unit():
    assert [fmt.seconds(x) for x in (2.5, 4.5e-3, 57e-6, None)] == ["2.5 s", "4.5 ms", "57 µs", "–"]


def test_sizes_read_as_powers():
    assert [fmt.size(n) for n in (64, 1024, 4096, 2**24, 10**7, 3000)] == ["64", "1,024", "2^12", "2^24", "10^7", "3,000"]


def test_ratios_and_percentages():
    assert fmt.ratio(3.0) == "3.00×" and fmt.percent(0.853) == "85 %" and fmt.percent(0.004) == "0.4 %"
    assert fmt.number(0.054) == "0.05" and fmt.number(1234.5) == "1234"
