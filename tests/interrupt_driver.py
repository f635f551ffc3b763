"""Runs ``ganzoo`` and sends it a Ctrl-C at a chosen moment of its start-up, where a real one can
land (for tests/test_cli_training.py). Not a test module.

    python -m tests.interrupt_driver POINT GANZOO_ARGS...

Run with ``-m``, like ``python -m ganzoo``: how CPython ends a ``-m`` process after a Ctrl-C is
part of what the tests check. POINT is one of:

- ``click``: while click loads, before any command runs;
- ``exec``: inside code run by ``exec()`` of a string, as dataclasses and namedtuple run it
  all through torch's import (here: as torch's import starts);
- ``numpy``: as numpy's import starts (ganzoo's own, or the one torch makes from C when it loads).
"""

from __future__ import annotations

import os
import signal
import sys


def ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)  # the handler runs as soon as this call returns


def ctrl_c_in_exec() -> None:
    exec("ctrl_c()", {"ctrl_c": ctrl_c})


class CtrlCAtImport:
    """A finder that finds nothing: it only does ``action`` when ``module`` is first looked for."""

    def __init__(self, module, action):
        self.module, self.action = module, action

    def find_spec(self, name, path=None, target=None):
        if name == self.module:
            sys.meta_path.remove(self)
            self.action()
        return None


if __name__ == "__main__":
    point, argv = sys.argv[1], sys.argv[2:]
    at_import = {"click": ("click", ctrl_c), "exec": ("torch", ctrl_c_in_exec), "numpy": ("numpy", ctrl_c)}
    sys.meta_path.insert(0, CtrlCAtImport(*at_import[point]))
    from ganzoo.cli import main

    main(argv)
