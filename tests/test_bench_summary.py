"""ganzoo.bench.summary: speed-ups, bandwidth and ratios from hand-made timings."""

import pytest

from ganzoo.bench import summary
from ganzoo.bench.example import loss_rows


def _by_impl(rows):
    return {r["impl"]: r for r in rows}


def test_speedups_are_the_others_time_over_this_one():
    rows = summary.derive_loss(loss_rows({"eager": {1024: 4.0}, "compile": {1024: 2.0}, "ganzoo-cpp": {1024: 1.0}}), None)
    ganzoo = _by_impl(rows)["ganzoo-cpp"]
    assert ganzoo["speedup_vs_eager"] == 4.0 and ganzoo["speedup_vs_compile"] == 2.0
    assert _by_impl(rows)["eager"]["speedup_vs_eager"] == 1.0


def test_bandwidth_counts_minimum_bytes_and_fraction_of_peak():
    rows = summary.derive_loss(loss_rows({"eager": {2**20: 12e-3}}), peak_gbps=2.0)
    row = rows[0]
    assert row["gbps"] == pytest.approx(12 * 2**20 / 12e-3 / 1e9)
    assert row["frac_peak"] == pytest.approx(row["gbps"] / 2.0)


def test_missing_baseline_gives_no_ratio():
    rows = summary.derive_loss(loss_rows({"ganzoo-cpp": {64: 1e-5}}), None)
    assert rows[0]["speedup_vs_eager"] is None and rows[0]["frac_peak"] is None


def test_train_ratio_is_against_the_plain_loop_on_the_same_data():
    rows = [{"data": "digits", "impl": "ganzoo", "median_s": 1.1, "peak_memory_mb": 20.0},
            {"data": "digits", "impl": "plain", "median_s": 1.0, "peak_memory_mb": 10.0},
            {"data": "ring8", "impl": "ganzoo", "median_s": 5.0}]
    out = _by_impl(summary.derive_train(rows)[:2])
    assert out["ganzoo"]["vs_plain"] == pytest.approx(1.1) and out["ganzoo"]["memory_vs_plain"] == 2.0
    assert summary.derive_train(rows)[2]["vs_plain"] is None
