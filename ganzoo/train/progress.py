"""Progress display: a live line on a terminal, plain periodic lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import IO, Any


class Progress:
    """Shows step, losses, D's mean outputs, speed and time left.

    On a terminal the line is redrawn in place; when output is a file or a pipe a
    full line is printed at each logged step (so logs stay readable).
    """

    def __init__(self, stream: IO[str] | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self._t0 = 0.0
        self._step0 = 0
        self._total = 0

    def start(self, step: int, total: int) -> None:
        self._t0, self._step0, self._total = time.perf_counter(), step, total

    def update(self, step: int, row: dict[str, Any]) -> None:
        elapsed = time.perf_counter() - self._t0
        rate = (step - self._step0) / elapsed if elapsed > 0 else 0.0
        left = (self._total - step) / rate if rate > 0 else 0.0
        width = len(str(self._total))
        line = (
            f"step {step:>{width}}/{self._total}  d_loss {row['d_loss']:.3f}  g_loss {row['g_loss']:.3f}  "
            f"D(x) {row['d_real']:.2f}  D(G(z)) {row['d_fake']:.2f}  {rate:.0f} it/s  "
            f"left {int(left) // 60}:{int(left) % 60:02d}"
        )
        if self.live:
            self.stream.write("\r" + line + "\033[K")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")
            self.stream.flush()
