"""Progress for every long step, on stderr: a live tqdm bar on a terminal, plain periodic lines
otherwise (a log or a pipe gets whole lines, no carriage returns). stdout stays for results.

tqdm, because it is small, has no dependencies of its own, is what the PyTorch ecosystem
already shows, and its rate and time-left estimates are the ones users know.

>>> for x in progress_bar(items, desc="scoring"):
...     ...
>>> with progress_bar(total=n_bytes, desc="mnist", unit="B", unit_scale=True, show=True) as bar:
...     bar.update(len(chunk))
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import IO, Any

from tqdm import tqdm

#: seconds between two plain lines when the output is not a terminal
PLAIN_INTERVAL_S = 10.0
#: a step that ends sooner leaves no plain line (a log gets the steps worth waiting for)
PLAIN_DELAY_S = 2.0
PLAIN_FORMAT = "{desc}: {n_fmt}/{total_fmt} [{elapsed}<{remaining}, {rate_fmt}{postfix}]"


class PlainLines(tqdm):
    """A tqdm that writes each refresh as a line of its own: readable in a log file."""

    def display(self, msg: str | None = None, pos: int | None = None) -> bool:
        if msg == "":  # tqdm's way of clearing a bar; a log keeps what it printed
            return False
        self.fp.write((self.__str__() if msg is None else msg) + "\n")
        self.fp.flush()
        self.printed_n = self.n
        return True

    def clear(self, nolock: bool = False) -> None:
        self.skip_refresh = True  # tqdm.write() clears the bars, writes, redraws them: a log needs neither

    def refresh(self, nolock: bool = False, lock_args=None) -> bool:
        if getattr(self, "skip_refresh", False):
            self.skip_refresh = False
            return True
        return super().refresh(nolock, lock_args)

    def close(self) -> None:
        # The final state, once, unless the last line was it (tqdm's own close adds a blank line);
        # whatever ``leave`` says: a log keeps its lines.
        started = hasattr(self, "start_t") and self._time() >= self.start_t + self.delay
        if not self.disable and started and self.n != getattr(self, "printed_n", None):
            self._ema_dt = lambda: None  # the overall rate, not the latest one
            self.display()
        self.leave = False
        super().close()


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def write(message: str, stream: IO[str] | None = None) -> None:
    """``message`` as a line on ``stream`` (default stderr), above any live bar rather than through it."""
    tqdm.write(message, file=stream or sys.stderr)


def progress_bar(iterable: Iterable | None = None, *, total: float | None = None, desc: str | None = None,
                 show: bool | None = None, stream: IO[str] | None = None, live: bool | None = None,
                 interval: float = PLAIN_INTERVAL_S, **options: Any) -> tqdm:
    """A progress bar over ``iterable`` (or ``total`` units, advanced with ``update``) on
    ``stream`` (default stderr).

    ``show``: ``None`` shows it only when ``stream`` is a terminal, ``True`` always,
    ``False`` never (the bar still iterates, and prints nothing). ``live`` (default: whether
    ``stream`` is a terminal) redraws one line in place; otherwise a plain line is written at
    most every ``interval`` seconds and once at the end, none for a step over within
    ``PLAIN_DELAY_S`` seconds. Other ``options`` go to :class:`tqdm.tqdm` (``unit``,
    ``unit_scale``, ``leave``, ``initial``...).
    """
    stream = stream or sys.stderr
    terminal = is_terminal(stream)
    if not (terminal if show is None else show):
        return tqdm(iterable, total=total, desc=desc, file=stream, disable=True, **options)
    if terminal if live is None else live:
        return tqdm(iterable, total=total, desc=desc, file=stream, dynamic_ncols=True, **options)
    plain = {"mininterval": interval, "maxinterval": float("inf"), "delay": PLAIN_DELAY_S,
             "bar_format": PLAIN_FORMAT, "ascii": True}
    return PlainLines(iterable, total=total, desc=desc, file=stream, **{**plain, **options})
