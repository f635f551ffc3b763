"""Results files: ``<device>-<date>.json`` beside its rendered ``.md`` and loss plot ``.png``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ganzoo import fileio


def device_slug(doc: dict) -> str:
    """"cpu", or the GPU's name in lower case with dashes ("cuda-nvidia-h100-80gb-hbm3")."""
    gpu = doc.get("machine", {}).get("gpu")
    if doc.get("device") == "cuda" and gpu:
        return "cuda-" + re.sub(r"[^a-z0-9]+", "-", gpu.lower()).strip("-")
    return doc.get("device", "cpu")


def stem(doc: dict) -> str:
    """The file name without extension: ``<device>-<YYYY-MM-DD>``, then the suite for a run of
    one suite (``-threads``: it does not replace that day's full run), and ``-quick`` for a quick run."""
    date = doc["created"][:10]
    suites = list(doc.get("suites", {}))
    single = f"-{suites[0]}" if len(suites) == 1 else ""
    return f"{device_slug(doc)}-{date}{single}" + ("-quick" if doc.get("quick") else "")


def write_json(doc: dict, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fileio.write_json(path, doc)
    return path


def read_json(path: str | Path) -> dict:
    return json.loads(Path(path).read_text())


def latest(folder: str | Path, device: str | None = None, quick: bool = False) -> Path | None:
    """The newest full (not quick) results file in ``folder``, by its ``created`` time."""
    found = newest_first(folder, device, quick)
    return found[0] if found else None


def newest_first(folder: str | Path, device: str | None = None, quick: bool = False) -> list[Path]:
    """The full (not quick) results files in ``folder`` of ``device``, newest first."""
    found = []
    for path in Path(folder).glob("*.json"):
        try:
            doc = read_json(path)
        except (OSError, ValueError):
            continue
        if "suites" not in doc or bool(doc.get("quick")) != quick:
            continue
        if device is None or doc.get("device") == device:
            found.append((doc.get("created", ""), path.name, path))
    return [path for _, _, path in sorted(found, reverse=True)]


def covering(folder: str | Path, device: str | None = None) -> list[Path]:
    """The newest full results file, then each older one that holds a suite none before it
    did: together the newest measurement of every suite (a run of one suite, such as
    ``--suite threads``, does not hide the others')."""
    chosen, seen = [], set()
    for path in newest_first(folder, device):
        suites = set(read_json(path)["suites"])
        if suites - seen:
            chosen.append(path)
            seen |= suites
    return chosen


def publish(doc: dict, folder: str | Path) -> list[Path]:
    """Write ``<stem>.json``, its rendered ``<stem>.md`` and, with a loss suite, ``<stem>-loss.png``
    into ``folder``; returns the paths written."""
    from ganzoo.bench import markdown, plot

    folder = Path(folder)
    base = stem(doc)
    written = [write_json(doc, folder / f"{base}.json")]
    png = None
    if doc["suites"].get("loss", {}).get("rows"):
        png = folder / f"{base}-loss.png"
        title = f"ganzoo loss suite, {doc['device']}, {doc['created'][:10]}: forward+backward median time"
        fileio.write_bytes(png, plot.png_bytes(doc["suites"]["loss"]["rows"], title))
    md = folder / f"{base}.md"
    fileio.write_text(md, markdown.results_markdown(doc, png.name if png else None))
    written.append(md)
    if png:
        written.append(png)
    return written
