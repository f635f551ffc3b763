"""Training progress: a live bar on a terminal (step/total, it/s, time left, the losses), and
one plain line per logged step when the output is a file or a pipe, on stderr."""

from __future__ import annotations

import sys
from typing import IO, Any

from ganzoo.progress import is_terminal, progress_bar

#: a plain line, written at each logged step
LINE_FORMAT = "step {n_fmt}/{total_fmt}{postfix}, {rate_fmt}, left {remaining}"


class Progress:
    """What :class:`~ganzoo.train.loop.Trainer` calls: ``start(step, total)`` once,
    ``advance(step)`` after every step (cheap: tqdm redraws at most ten times a second),
    ``update(step, row)`` at every logged step with the ``metrics.jsonl`` row, ``close()``.

    ``live`` (default: whether ``stream``, default stderr, is a terminal) picks the bar.
    """

    def __init__(self, stream: IO[str] | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = is_terminal(self.stream) if live is None else live
        self.bar = None

    def start(self, step: int, total: int) -> None:
        # Not live: lines come from update() alone (no opening line, none between logged steps).
        plain = {} if self.live else {"bar_format": LINE_FORMAT, "interval": float("inf"), "delay": 1e-9}
        self.bar = progress_bar(total=total, initial=step, desc="train", unit="step", show=True,
                                stream=self.stream, live=self.live, **plain)

    def advance(self, step: int) -> None:
        self.bar.update(step - self.bar.n)

    def update(self, step: int, row: dict[str, Any]) -> None:
        self.bar.update(step - self.bar.n)
        shown = [f"d_loss {row['d_loss']:.3f}", f"g_loss {row['g_loss']:.3f}"]
        shown += [f"{label} {row[key]:.2f}" for key, label in (("d_real", "D(x)"), ("d_fake", "D(G(z))")) if key in row]
        self.bar.set_postfix_str(", ".join(shown), refresh=not self.live)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def training_progress(choice: bool | Progress | None) -> Progress | None:
    """The Trainer's ``progress`` argument resolved: ``None`` shows progress on stderr when
    it is a terminal, ``True`` always (plain lines when not a terminal), ``False`` never; a
    :class:`Progress` (or any object with its four methods) is used as given."""
    if choice is None:
        return Progress() if is_terminal(sys.stderr) else None
    if choice is True:
        return Progress()
    return choice or None
