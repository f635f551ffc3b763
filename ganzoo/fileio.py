"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half of one.

A failed write raises :class:`~ganzoo.errors.StorageError` naming the file and the cause.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ganzoo.errors import StorageError

# Temporary files are ".NAME.RANDOM.tmp" beside their target; `remove_temporaries` knows them by it.
_TMP_PREFIX, _TMP_SUFFIX = ".", ".tmp"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed onto ``path``.

    On error the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{_TMP_PREFIX}{path.name}.", suffix=_TMP_SUFFIX, dir=path.parent)
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes owner-only files; give the usual mode
    except OSError as err:
        raise StorageError.from_os_error(err, path) from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, path)
        _sync_directory(path.parent)
    except StorageError:
        raise
    except OSError as err:  # a full disk, a read-only folder, a folder in the way
        raise StorageError.from_os_error(err, path) from None
    finally:
        with contextlib.suppress(OSError):
            tmp_path.unlink(missing_ok=True)


def _sync_directory(directory: Path) -> None:
    """Make a rename durable: it lives in the directory's own data."""
    if not hasattr(os, "O_DIRECTORY"):  # Windows cannot open a directory; its renames are durable
        return
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def is_temporary(name: str, target: str = "") -> bool:
    """Whether ``name`` is a temporary file of :func:`atomic_path` (for the file ``target``, if given)."""
    return name.startswith(f"{_TMP_PREFIX}{target}") and name.endswith(_TMP_SUFFIX) and name.count(".") >= 3


def remove_temporaries(directory: str | os.PathLike) -> list[Path]:
    """Delete the temporary files a crashed write left in ``directory``; returns them."""
    removed = []
    for candidate in Path(directory).glob(f"{_TMP_PREFIX}*{_TMP_SUFFIX}"):
        if is_temporary(candidate.name) and candidate.is_file() and not candidate.is_symlink():
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def read_small(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file ``path`` (a link is refused), at most ``limit`` of them.

    Raises ValueError for a link, a device or a file past ``limit``; OSError when unreadable.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise ValueError("a link, not a regular file") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > limit:
            raise ValueError(f"larger than {limit} bytes")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read()
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ValueError(f"larger than {limit} bytes")
    return data


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def cache_dir(name: str) -> Path:
    """``$GANZOO_CACHE/name``, by default ``~/.cache/ganzoo/name`` (not created here)."""
    root = os.environ.get("GANZOO_CACHE") or Path.home() / ".cache" / "ganzoo"
    return Path(root).expanduser() / name


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | os.PathLike, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_json(path: str | os.PathLike, value: Any) -> None:
    write_text(path, json.dumps(value, indent=2, sort_keys=True) + "\n")
