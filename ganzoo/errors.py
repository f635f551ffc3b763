"""Errors a user can cause. The CLI prints their message and exits with code 2.

Errors that only a bug can cause stay ordinary exceptions (and tracebacks).
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator


class GanzooError(Exception):
    """A problem with the user's input; the message says what is wrong and how to fix it."""


class GanzooWarning(UserWarning):
    """Something the user should know that does not stop the command (the CLI prints ``Warning: ...``)."""


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


class RunInUseError(RunDirError):
    """A run directory that another process holds (it is training or resuming it)."""


class TrainingDiverged(GanzooError):
    """A loss became NaN or infinite; the last good checkpoint is kept."""


class OutOfMemory(GanzooError, MemoryError):
    """The run does not fit in the memory of its device."""


# What to do about the usual causes of a failed file operation.
_OS_ADVICE = {
    errno.ENOSPC: "free some space on that disk (or choose another location)",
    errno.EDQUOT: "free some space within your quota (or choose another location)",
    errno.EROFS: "choose a location on a writable file system",
    errno.EACCES: "you lack permission there; choose another location",
    errno.EPERM: "you lack permission there; choose another location",
    errno.ENOTDIR: "a part of that path is a file, not a folder; choose another path",
    errno.EISDIR: "that is a folder; name a file instead",
    errno.ENOENT: "check the path",
}


class StorageError(GanzooError, OSError):
    """A file or folder that cannot be written or read: a full disk, a read-only or wrong path.

    Also an :class:`OSError`, so code that tolerates failed writes (a cache) keeps doing so.
    """

    @classmethod
    def from_os_error(cls, err: OSError, path: str | os.PathLike | None = None, action: str = "write") -> StorageError:
        target = path if path is not None else err.filename
        cause = err.strerror or str(err)
        advice = _OS_ADVICE.get(err.errno)
        message = (f"cannot {action} {target}: {cause}" if target is not None else cause) + (
            f"; {advice}" if advice else "")
        made = cls(message)
        made.errno = err.errno
        return made


def out_of_memory_error(err: BaseException, advice: str) -> OutOfMemory | None:
    """An :class:`OutOfMemory` with ``advice`` if ``err`` is running out of memory (Python's
    MemoryError, CUDA's torch.OutOfMemoryError, the CPU allocator's "can't allocate memory"
    RuntimeError), else None."""
    if isinstance(err, OutOfMemory):
        return err
    text = str(err)
    if isinstance(err, MemoryError) or (
        isinstance(err, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text)
    ):
        return OutOfMemory(f"out of memory: {advice}")
    return None


@contextlib.contextmanager
def out_of_memory_as(advice: str) -> Iterator[None]:
    """Turn running out of memory inside the block into :class:`OutOfMemory` with ``advice``."""
    try:
        yield
    except (MemoryError, RuntimeError) as err:
        mapped = out_of_memory_error(err, advice)
        if mapped is None:
            raise
        raise mapped from None
