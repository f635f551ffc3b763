"""The scripts of benchmarks/quality, imported as modules for their tests (they are not a package)."""

import importlib.util
from pathlib import Path

QUALITY = Path(__file__).resolve().parents[1] / "benchmarks" / "quality"


def load_script(name: str):
    """benchmarks/quality/NAME.py as a module."""
    spec = importlib.util.spec_from_file_location(name, QUALITY / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
