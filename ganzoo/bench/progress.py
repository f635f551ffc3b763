"""Progress while the suites run: one redrawn line on a terminal, plain lines in a log."""

from __future__ import annotations

import sys
import time
from typing import IO


class BenchProgress:
    """Call with (suite, done, total, what) before each step of a suite."""

    def __init__(self, stream: IO[str] | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.start = time.perf_counter()

    def __call__(self, suite: str, done: int, total: int, what: str) -> None:
        elapsed = time.perf_counter() - self.start
        line = f"[{elapsed:6.1f} s] {suite} {done + 1}/{total}: {what}"
        start, end = ("\r", "\033[K") if self.live else ("", "\n")
        self.stream.write(start + (line[:150] if self.live else line) + end)
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")
            self.stream.flush()
