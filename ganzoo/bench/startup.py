"""The startup suite: wall time of CLI commands and ``import ganzoo`` in fresh processes.

``python -c pass`` is timed beside them as the floor: the interpreter's own start-up,
which no package can go below. Commands are interleaved, repetition by repetition.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ganzoo.bench.timing import rotations, summarize

TARGET_S = 0.3


def ganzoo_executable() -> list[str]:
    """The installed ``ganzoo`` console script beside this interpreter, else ``python -m ganzoo``."""
    beside = Path(sys.executable).with_name("ganzoo")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("ganzoo")
    return [found] if found else [sys.executable, "-m", "ganzoo"]


def commands() -> dict[str, list[str]]:
    ganzoo = ganzoo_executable()
    return {
        "ganzoo --help": ganzoo + ["--help"],
        "ganzoo list": ganzoo + ["list"],
        'python -c "import ganzoo"': [sys.executable, "-c", "import ganzoo"],
        'python -c "pass" (floor)': [sys.executable, "-c", "pass"],
    }


def wall_time(cmd: list[str]) -> float:
    """Seconds from start to exit of ``cmd`` (its output discarded); raises if it fails."""
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy())
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def run(device: str = "cpu", quick: bool = False, progress=None) -> dict:
    """{"rows": [...]}: median wall time of each command (``device`` does not apply)."""
    cmds = commands()
    reps = 5 if quick else 21
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for name, cmd in cmds.items():
        wall_time(cmd)  # warm the file-system cache, as for any second run
    for r, order in enumerate(rotations(list(cmds), reps)):
        if progress:
            progress(r, reps, f"fresh processes, repetition {r + 1}")
        for name in order:
            times[name].append(wall_time(cmds[name]))
    return {"rows": [{"command": name, "argv": cmds[name], **summarize(times[name]).to_dict()} for name in cmds],
            "target_s": TARGET_S}
