"""Errors a user can cause. The CLI prints their message and exits with code 2.

Errors that only a bug can cause stay ordinary exceptions (and tracebacks).
"""


class GanzooError(Exception):
    """A problem with the user's input; the message says what is wrong and how to fix it."""


class UnknownNameError(GanzooError, LookupError):
    """A name that no installed plugin provides."""


class PluginError(GanzooError):
    """A plugin that is broken, incompatible, disabled or ambiguous."""


class ConfigError(GanzooError, ValueError):
    """A bad option or ``--set key=value``."""


class DataError(GanzooError):
    """Missing, corrupt or unreadable data."""


class RunDirError(GanzooError):
    """A run directory or checkpoint that cannot be used."""


class TrainingDiverged(GanzooError):
    """A loss became NaN or infinite; the last good checkpoint is kept."""
