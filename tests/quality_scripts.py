"""The scripts of benchmarks/quality, imported as modules for their tests (they are not a package)."""

import importlib.util
import sys
from pathlib import Path

QUALITY = Path(__file__).resolve().parents[1] / "benchmarks" / "quality"


def load_script(name: str):
    """benchmarks/quality/NAME.py as a module (its folder on sys.path, for the sibling modules it
    imports, as when it runs as a script)."""
    if str(QUALITY) not in sys.path:
        sys.path.insert(0, str(QUALITY))
    spec = importlib.util.spec_from_file_location(name, QUALITY / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
