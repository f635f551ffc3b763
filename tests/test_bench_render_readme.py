"""scripts/render_bench_readme.py: the README section from the newest full results."""

import subprocess
import sys
from pathlib import Path

from ganzoo.bench import readme, results
from ganzoo.bench.example import document

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "render_bench_readme.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True)


def test_rewrites_the_section_and_then_is_up_to_date(tmp_path):
    results.publish(document(), tmp_path / "results")
    page = tmp_path / "README.md"
    page.write_text(f"# x\n{readme.START}\nold\n{readme.END}\nend\n")
    assert _run("--results", tmp_path / "results", "--readme", page).returncode == 0
    text = page.read_text()
    assert "old" not in text and "results/cpu-2025-01-02.md" in text and text.endswith(f"{readme.END}\nend\n")
    assert _run("--results", tmp_path / "results", "--readme", page, "--check").returncode == 0


def test_no_results_is_an_error(tmp_path):
    page = tmp_path / "README.md"
    page.write_text(f"{readme.START}\n{readme.END}\n")
    assert _run("--results", tmp_path, "--readme", page).returncode == 2
