"""ganzoo.bench.results: file names, the latest full result, and the published trio."""

import json

from PIL import Image

from ganzoo.bench import results
from ganzoo.bench.example import document


def test_stem_is_device_and_date_and_marks_quick_runs():
    assert results.stem(document()) == "cpu-2025-01-02"
    assert results.stem(document(quick=True)) == "cpu-2025-01-02-quick"


def test_gpu_stem_names_the_gpu():
    doc = document(device="cuda")
    doc["machine"]["gpu"] = "NVIDIA H100 80GB HBM3"
    assert results.stem(doc) == "cuda-nvidia-h100-80gb-hbm3-2025-01-02"


def test_latest_picks_the_newest_full_run(tmp_path):
    old, new, quick = document(), document(), document(quick=True)
    new["created"], quick["created"] = "2025-02-01T00:00:00+0000", "2025-03-01T00:00:00+0000"
    results.write_json(old, tmp_path / "a.json")
    results.write_json(new, tmp_path / "b.json")
    results.write_json(quick, tmp_path / "c.json")
    (tmp_path / "broken.json").write_text("{")
    assert results.latest(tmp_path).name == "b.json"


def test_publish_writes_json_markdown_and_plot(tmp_path):
    paths = results.publish(document(), tmp_path)
    assert [p.name for p in paths] == ["cpu-2025-01-02.json", "cpu-2025-01-02.md", "cpu-2025-01-02-loss.png"]
    assert json.loads(paths[0].read_text())["device"] == "cpu"
    assert "cpu-2025-01-02-loss.png" in paths[1].read_text()
    assert Image.open(paths[2]).format == "PNG"


def test_a_run_of_one_suite_is_named_after_it():
    doc = document()
    doc["suites"] = {"threads": {"rows": []}}
    assert results.stem(doc) == "cpu-2025-01-02-threads"


def test_covering_adds_older_runs_only_for_suites_the_newer_ones_lack(tmp_path):
    full = document()
    threads_only = {**document(), "created": "2025-02-01T00:00:00+0000", "suites": {"threads": {"rows": []}}}
    older_full = {**document(), "created": "2024-12-01T00:00:00+0000"}
    for name, doc in (("a", full), ("b", threads_only), ("c", older_full)):
        (tmp_path / f"{name}.json").write_text(json.dumps(doc))
    assert [p.name for p in results.covering(tmp_path, "cpu")] == ["b.json", "a.json"]
