"""Stop signals (Ctrl-C, SIGTERM, SIGHUP): which they are, the exception ganzoo's handlers raise,
and how the command line keeps a Ctrl-C that comes while it starts up (loading click and torch,
building the run) from being lost. While a run trains, :class:`ganzoo.train.loop.Trainer`
handles them itself (finish the step, save, stop)."""

from __future__ import annotations

import signal
import threading

#: signals that stop a run cleanly: Ctrl-C, a scheduler's stop, a closed terminal (no SIGHUP on Windows)
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(KeyboardInterrupt):
    """What ganzoo's signal handlers raise; ``signum`` says which signal.

    A subclass on purpose: when a bare KeyboardInterrupt leaves code run by ``exec()`` or ``eval()``
    of a string (dataclasses and namedtuple do that all through torch's import), CPython marks it
    unhandled and kills a ``python -m`` process by SIGINT at exit even though it was caught and
    the process asked for exit code 130. It marks KeyboardInterrupt itself only."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__()
        self.signum = signum


_received: int | None = None  # the Ctrl-C this process got while starting up, if any


def catch_ctrl_c_while_starting() -> None:
    """From now on a Ctrl-C raises :class:`Interrupted` and is remembered (see :func:`check`)."""
    global _received
    _received = None
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_ctrl_c)


def _on_ctrl_c(signum, frame):
    global _received
    _received = signum
    raise Interrupted(signum)


def received() -> bool:
    """Whether a Ctrl-C came since :func:`catch_ctrl_c_while_starting`."""
    return _received is not None


def check() -> None:
    """Raise :class:`Interrupted` if a Ctrl-C came and we are still going: something that catches
    everything swallowed it (torch drops what its imports from C raise)."""
    if _received is not None:
        raise Interrupted(_received)


def import_numpy_before_torch() -> None:
    """Import numpy from Python. torch imports it from C when it loads and drops whatever that
    raises: a Ctrl-C at that moment would be lost and numpy left half-imported."""
    import numpy  # noqa: F401
