"""benchmarks/quality/parzen_mnist.py: Goodfellow et al.'s MNIST Parzen protocol in one command,
run here on tiny stand-ins for the MNIST files (the real ones are never downloaded in tests)."""

import json

import pytest

from tests.quality_scripts import load_script
from tests.test_data_mnist import small_mnist_files, write_files


@pytest.fixture(scope="module")
def parzen_mnist():
    return load_script("parzen_mnist")


def test_a_tiny_run_writes_its_row_beside_the_papers(parzen_mnist, tmp_path):
    write_files(tmp_path / "mnist", small_mnist_files())
    assert parzen_mnist.main(["--data-dir", str(tmp_path / "mnist"), "--steps", "2", "--samples", "20",
                              "--out", str(tmp_path / "out")]) == 0
    result = json.loads((tmp_path / "out" / "parzen_mnist.json").read_text())
    (run,) = result["runs"]
    assert run["steps"] == 2 and isinstance(run["parzen"]["log_likelihood"], float)
    table = (tmp_path / "out" / "parzen_mnist.md").read_text()
    assert "| `goodfellow2014` | 1 | 2 × 100 |" in table and "| GAN (paper) | — | not stated | 225 ± 2" in table


def test_missing_files_stop_before_training_with_exit_2(parzen_mnist, tmp_path, capsys):
    assert parzen_mnist.main(["--data-dir", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "error:" in capsys.readouterr().err and not (tmp_path / "out").exists()
