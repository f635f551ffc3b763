"""ganzoo/__init__.py: a cheap ``import ganzoo`` that still reaches every public name."""

import subprocess
import sys


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_import_ganzoo_does_not_import_torch():
    result = _run("import sys, ganzoo; print('torch' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_ops_is_an_attribute_of_a_bare_import():
    result = _run("import ganzoo, torch; print(float(ganzoo.ops.bce_with_logits(torch.zeros(4), 1.0)))")
    assert result.returncode == 0, result.stderr
    assert abs(float(result.stdout) - 0.6931) < 1e-3


def test_an_unknown_attribute_is_an_attribute_error():
    result = _run("import ganzoo; ganzoo.no_such_name")
    assert "AttributeError: module 'ganzoo' has no attribute 'no_such_name'" in result.stderr
