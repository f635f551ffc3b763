"""Progress while the suites run, on stderr: a bar per suite on a terminal (cases done, rate,
time left, the case now running), one plain line per case in a log."""

from __future__ import annotations

import sys
from typing import IO

from ganzoo.progress import progress_bar


class BenchProgress:
    """Call with (suite, done, total, what) before each step of a suite."""

    def __init__(self, stream: IO[str] | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = live
        self.suite: str | None = None
        self.bar = None

    def __call__(self, suite: str, done: int, total: int, what: str) -> None:
        if suite != self.suite:
            self.close()
            # In a log, a line for every case (each takes seconds), the first one named.
            self.bar = progress_bar(total=total, desc=suite, unit="case", show=True, stream=self.stream,
                                    live=self.live, interval=0, delay=1e-9)
            self.suite = suite
        self.bar.total = total
        self.bar.set_postfix_str(what, refresh=False)
        if not self.bar.update(done - self.bar.n):
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar, self.suite = None, None
