"""The ``ganzoo`` command line. :func:`main` takes charge of Ctrl-C before anything heavy loads:
click (the group is in :mod:`ganzoo.cli.group`), then each command's module on first use; no
command module imports torch at the top."""

from __future__ import annotations

import signal
import sys

from ganzoo import interrupts

# command name -> "module:attribute"; modules are imported on first use.
COMMANDS = {
    "list": "ganzoo.cli.listing:list_command",
    "info": "ganzoo.cli.listing:info_command",
    "train": "ganzoo.cli.training:train_command",
    "sample": "ganzoo.cli.training:sample_command",
    "translate": "ganzoo.cli.translate:translate_command",
    "eval": "ganzoo.cli.evaluate:eval_command",
    "score": "ganzoo.cli.score:score_command",
    "bench": "ganzoo.cli.bench:bench_command",
    "doctor": "ganzoo.cli.doctor:doctor_command",
    "plugin": "ganzoo.cli.plugin:plugin_group",
    "completion": "ganzoo.cli.completion:completion_command",
}


def main(argv=None):
    """Console-script entry point."""
    interrupts.catch_ctrl_c_while_starting()
    try:
        from ganzoo.cli.group import cli

        cli.main(args=argv, prog_name="ganzoo")
    except KeyboardInterrupt:  # while click loads, before any command ran
        sys.stderr.write("\nInterrupted.\n")
        raise SystemExit(130) from None
    finally:
        # The command is over (a stopped run is saved): a late Ctrl-C while the interpreter shuts
        # down would kill it by the signal and replace the exit code with a crash.
        for sig in interrupts.STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)


def __getattr__(name):  # ``from ganzoo.cli import cli`` loads click only when asked for
    if name in ("cli", "UserError"):
        from ganzoo.cli import group

        return getattr(group, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
