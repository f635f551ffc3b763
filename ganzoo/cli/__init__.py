"""The ``ganzoo`` command line. Each command lives in its own module and is imported
only when run (or when ``--help`` lists it); no command module imports torch at the top."""

from __future__ import annotations

import importlib
import signal
import warnings

import click

from ganzoo._version import __version__
from ganzoo.errors import GanzooError, GanzooWarning, StorageError

# command name -> "module:attribute"; modules are imported on first use.
COMMANDS = {
    "list": "ganzoo.cli.listing:list_command",
    "info": "ganzoo.cli.listing:info_command",
    "train": "ganzoo.cli.training:train_command",
    "sample": "ganzoo.cli.training:sample_command",
    "eval": "ganzoo.cli.evaluate:eval_command",
    "bench": "ganzoo.cli.bench:bench_command",
    "doctor": "ganzoo.cli.doctor:doctor_command",
    "plugin": "ganzoo.cli.plugin:plugin_group",
    "completion": "ganzoo.cli.completion:completion_command",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(name for name in COMMANDS if self._load(name) is not None)

    def get_command(self, ctx, name):
        return self._load(name)

    def invoke(self, ctx):
        """Run the command, turning what a user can cause into one ``Error:`` line and exit code 2."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always", GanzooWarning)
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except GanzooError as err:
            raise UserError(str(err)) from None
        except OSError as err:  # a full disk, a read-only or wrong path: the environment, not a bug
            raise UserError(str(StorageError.from_os_error(err, action="use"))) from None
        except MemoryError:
            raise UserError("out of memory; ask for less (a smaller batch_size, --n or model)") from None
        except KeyboardInterrupt:  # Ctrl-C before the run started (or after it ended): nothing to save
            click.echo("\nInterrupted.", err=True)
            raise SystemExit(130) from None

    @staticmethod
    def _load(name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError as err:
            if err.name != module:
                raise
            return None  # a command whose module is not written yet is simply absent


_default_showwarning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None):
    if issubclass(category, GanzooWarning):
        click.echo(f"Warning: {message}", err=True)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)


class UserError(click.ClickException):
    """A user-causable problem: printed as one ``Error:`` line, exit code 2, no traceback."""

    exit_code = 2


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ganzoo")
def cli():
    """Train, compare and extend generative adversarial networks."""


def main(argv=None):
    """Console-script entry point."""
    try:
        cli.main(args=argv, prog_name="ganzoo")
    finally:
        # The command is over (a stopped run is saved): a late Ctrl-C while the interpreter shuts
        # down would kill it by the signal and replace the exit code with a crash.
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_IGN)
