"""Where a quality script's results go: NAME.json and the NAME.md table made from it, side by
side in one folder, each written atomically (a stopped script leaves the old pair whole)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ganzoo import fileio


def publish(out: Path, name: str, results: dict, markdown: Callable[[dict], str], **dump) -> str:
    """Write ``out/NAME.json`` (``json.dumps`` with ``dump``, default indent 1, keys in the order
    measured) and ``out/NAME.md``; returns the markdown."""
    out.mkdir(parents=True, exist_ok=True)
    fileio.write_text(out / f"{name}.json", json.dumps(results, **{"indent": 1, **dump}) + "\n")
    return render(out, name, markdown, results)


def render(out: Path, name: str, markdown: Callable[[dict], str], results: dict | None = None) -> str:
    """Write ``out/NAME.md`` from ``results`` (default: ``out/NAME.json`` as it stands); returns it."""
    if results is None:
        results = json.loads((out / f"{name}.json").read_text())
    text = markdown(results)
    fileio.write_text(out / f"{name}.md", text)
    return text
