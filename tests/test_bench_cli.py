"""``ganzoo bench``: runs a suite, prints tables, writes valid JSON."""

import json
import subprocess
import sys

from click.testing import CliRunner

from ganzoo.cli import cli


def test_quick_startup_suite_writes_a_results_document(tmp_path):
    out = tmp_path / "r.json"
    result = CliRunner().invoke(cli, ["bench", "--suite", "startup", "--quick", "--json", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert set(doc["suites"]) == {"startup"} and doc["quick"] is True
    assert len(doc["load_average_start"]) == 3 and doc["machine"]["cpu_model"]
    assert "ganzoo --help" in result.output


def test_out_folder_gets_json_and_markdown(tmp_path):
    result = CliRunner().invoke(cli, ["bench", "--suite", "startup", "--quick", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".md"]


def test_cuda_without_a_gpu_is_a_user_error():
    import torch

    if torch.cuda.is_available():
        return
    result = CliRunner().invoke(cli, ["bench", "--device", "cuda"])
    assert result.exit_code == 2 and "no CUDA device" in result.output


def test_module_does_not_import_torch():
    code = "import sys, ganzoo.cli.bench; assert 'torch' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_threads_option_is_recorded(tmp_path):
    import torch

    before = torch.get_num_threads()
    out = tmp_path / "r.json"
    try:
        result = CliRunner().invoke(cli, ["bench", "--suite", "startup", "--quick", "--threads", "1", "--json", str(out)])
    finally:
        torch.set_num_threads(before)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["machine"]["torch_threads"] == 1
