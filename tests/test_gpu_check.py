"""scripts/gpu_check.sh: its dry run (every step on the CPU at toy sizes, the build and the CUDA
tests' GPU part skipped) writes the report; a spent time budget skips steps but still reports."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "gpu_check.sh"


def run_check(out, *args, budget=None):
    env = {**os.environ, "PYTHON": sys.executable}
    if budget is not None:
        env["GPU_CHECK_BUDGET_S"] = str(budget)
    return subprocess.run(["bash", str(SCRIPT), str(out), *args], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("gpu-check")
    done = run_check(out, "--dry-run")
    return done, out, json.loads((out / "gpu-check.json").read_text())


def test_the_script_parses():
    assert subprocess.run(["bash", "-n", str(SCRIPT)]).returncode == 0


def test_the_dry_run_passes_every_step_but_the_build(dry_run):
    done, _, report = dry_run
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert {s["step"]: s["status"] for s in report["steps"]} == {
        "env": "passed", "build": "skipped", "op": "passed", "tests": "passed", "loss": "passed", "train": "passed"}


def test_the_dry_run_writes_json_markdown_and_a_results_document(dry_run):
    _, out, report = dry_run
    names = {p.name for p in out.iterdir()}
    assert {"gpu-check.json", "gpu-check.md", "gpu-check.log"} <= names and "parts" not in names
    assert set(report["results"]) <= names and any(n.endswith("-quick.json") for n in report["results"])
    assert "DRY RUN" in (out / "gpu-check.md").read_text()


def test_the_train_benchmark_covers_both_sizes_every_contender_and_the_plain_loop(dry_run):
    train = dry_run[2]["document"]["suites"]["train"]
    assert {(r["data"], r["impl"]) for r in train["rows"]} == {(f"rgb{s}", i) for s in (32, 64) for i in ("ganzoo", "plain")}
    assert {(r["image_side"], r["contender"]) for r in train["speed"]} == {
        (s, c) for s in (32, 64) for c in ("fp32", "bf16", "compile")}
    assert all(r["images_per_s"] > 0 for r in train["speed"])


def test_the_loss_benchmark_has_every_implementation_at_64_elements(dry_run):
    rows = dry_run[2]["document"]["suites"]["loss"]["rows"]
    assert {r["impl"] for r in rows if r["size"] == 64 and r["op"] == "bce"} >= {"eager", "compile", "ganzoo-reference"}


def test_a_spent_budget_skips_the_steps_and_still_reports(tmp_path):
    done = run_check(tmp_path, "--dry-run", budget=36)  # 30 s are kept for the report
    report = json.loads((tmp_path / "gpu-check.json").read_text())
    statuses = {s["step"]: s["status"] for s in report["steps"]}
    assert done.returncode == 1 and statuses["train"] == "skipped" and statuses["loss"] == "skipped"
    assert "budget" in next(s["note"] for s in report["steps"] if s["step"] == "train")


def test_an_unknown_option_is_a_usage_error(tmp_path):
    done = subprocess.run(["bash", str(SCRIPT), str(tmp_path), "--fast"], capture_output=True, text=True)
    assert done.returncode == 2 and "usage" in done.stderr


def _helper():
    spec = importlib.util.spec_from_file_location("gpu_check", ROOT / "scripts" / "gpu_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_module_that_is_not_importable_is_named_with_how_to_carry_it(tmp_path, monkeypatch, capsys):
    helper = _helper()
    monkeypatch.setattr(helper, "NEEDED", {**helper.NEEDED, "no_such_module_xyz": "no-such-wheel"})
    assert helper.step_env(tmp_path, dry_run=True) == 2
    err = capsys.readouterr().err
    assert "not importable: no-such-wheel" in err and "pip download" in err


def test_without_a_gpu_the_real_run_stops_at_the_environment(tmp_path, capsys):
    helper = _helper()
    if helper.environment().get("cuda_available"):
        pytest.skip("this machine has a GPU")
    assert helper.step_env(tmp_path, dry_run=False) == 2
    assert "no CUDA device" in capsys.readouterr().err
