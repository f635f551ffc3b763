"""ganzoo.bench.readme: the README's performance section between its markers."""

import pytest

from ganzoo.bench import readme
from ganzoo.bench.example import document


def test_replace_section_keeps_what_surrounds_the_markers():
    text = f"intro\n{readme.START}\nold\n{readme.END}\noutro\n"
    assert readme.replace_section(text, "new\n") == f"intro\n{readme.START}\nnew\n{readme.END}\noutro\n"


def test_missing_markers_are_an_error():
    with pytest.raises(ValueError, match="markers"):
        readme.replace_section("no markers here", "x")


def test_section_states_ratios_and_links_the_full_results():
    body = readme.section([(document(), "benchmarks/results/cpu-2025-01-02.md", "benchmarks/results/x.png")])
    assert "[cpu-2025-01-02.md](benchmarks/results/cpu-2025-01-02.md)" in body
    assert "| 2^20 | ganzoo-cpp | 4.50× | 2.00× |" in body
    assert "Test CPU" in body and "![loss: time against size](benchmarks/results/x.png)" in body


def test_section_has_no_heading_of_its_own():
    # It stands under the README's own "## Performance"; a heading here would repeat it.
    body = readme.section([(document(), "benchmarks/results/cpu-2025-01-02.md", None)])
    assert not any(line.startswith("## ") for line in body.splitlines())
