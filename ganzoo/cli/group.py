"""The ``ganzoo`` click group: loads each command's module on first use (see
:data:`ganzoo.cli.COMMANDS`) and turns what a user can cause, or a Ctrl-C, into a short message."""

from __future__ import annotations

import importlib
import warnings

import click

from ganzoo import interrupts
from ganzoo._version import __version__
from ganzoo.cli import COMMANDS
from ganzoo.errors import GanzooError, GanzooWarning, StorageError


class _LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(name for name in COMMANDS if self._load(name) is not None)

    def get_command(self, ctx, name):
        return self._load(name)

    def invoke(self, ctx):
        """Run the command: what a user can cause is one ``Error:`` line and exit code 2, a
        Ctrl-C before the run started (or after it ended) is ``Interrupted.`` and exit code 130."""
        try:
            result = self._invoke_reporting_user_errors(ctx)
            interrupts.check()  # a Ctrl-C that something swallowed still stops the command
            return result
        except KeyboardInterrupt:
            pass
        except Exception:
            if not interrupts.received():
                raise
            # after a Ctrl-C, what fails (a module it left half-imported) fails because of it
        click.echo("\nInterrupted.", err=True)
        raise SystemExit(130)

    def _invoke_reporting_user_errors(self, ctx):
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
