"""Derived numbers from raw timings: speed-ups, effective bandwidth, fraction of peak,
trainer-to-plain-loop ratios. Pure arithmetic on result rows; nothing here imports torch."""

from __future__ import annotations

CASE_KEYS = ("op", "target", "weighting", "dtype", "size")


def case_key(row: dict) -> tuple:
    return tuple(row[k] for k in CASE_KEYS)


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def derive_loss(rows: list[dict], peak_gbps: float | None) -> list[dict]:
    """Each row with ``speedup_vs_eager`` and ``speedup_vs_compile`` (other's time / this
    time: above 1 is faster), ``gbps`` (minimum bytes / median time) and ``frac_peak``."""
    by_case: dict[tuple, dict[str, float]] = {}
    for row in rows:
        by_case.setdefault(case_key(row), {})[row["impl"]] = row["median_s"]
    derived = []
    for row in rows:
        times = by_case[case_key(row)]
        gbps = row["min_bytes"] / row["median_s"] / 1e9
        derived.append({
            **row,
            "speedup_vs_eager": _ratio(times.get("eager"), row["median_s"]),
            "speedup_vs_compile": _ratio(times.get("compile"), row["median_s"]),
            "gbps": gbps,
            "frac_peak": _ratio(gbps, peak_gbps),
        })
    return derived


def derive_train(rows: list[dict]) -> list[dict]:
    """Each row with ``vs_plain``: its step time over the plain loop's on the same data
    (1.03 means 3 % slower), and ``rss_vs_plain`` likewise for peak memory."""
    plain = {row["data"]: row for row in rows if row["impl"] == "plain"}
    out = []
    for row in rows:
        base = plain.get(row["data"], {})
        out.append({**row,
                    "vs_plain": _ratio(row["median_s"], base.get("median_s")),
                    "memory_vs_plain": _ratio(row.get("peak_memory_mb"), base.get("peak_memory_mb"))})
    return out
