from pathlib import Path

import pytest

from ganzoo import fileio


def test_write_replaces_the_file(tmp_path):
    path = tmp_path / "f.txt"
    fileio.write_text(path, "old")
    fileio.write_text(path, "new")
    assert path.read_text() == "new"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "f.txt"
    fileio.write_text(path, "old")
    with pytest.raises(RuntimeError):
        with fileio.atomic_path(path) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash mid-write")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_written_files_get_the_usual_permissions(tmp_path):
    import os

    mask = os.umask(0o022)
    try:
        fileio.write_text(tmp_path / "f.txt", "x")
    finally:
        os.umask(mask)
    assert (tmp_path / "f.txt").stat().st_mode & 0o777 == 0o644


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GANZOO_CACHE", str(tmp_path))
    assert fileio.cache_dir("mnist") == tmp_path / "mnist"


def test_a_failed_write_names_the_file_and_the_cause(tmp_path, monkeypatch):
    import errno

    from ganzoo.errors import StorageError

    path = tmp_path / "f.txt"
    fileio.write_text(path, "old")

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", full_disk)
    with pytest.raises(StorageError, match=f"cannot write {path}: No space left on device") as caught:
        fileio.write_text(path, "new")
    assert isinstance(caught.value, OSError)  # code that tolerates failed writes (a cache) still does
    monkeypatch.undo()
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_remove_temporaries_removes_only_what_atomic_writes_leave(tmp_path):
    for name in (".f.txt.abc123.tmp", ".notes.tmp", "f.txt", "x.tmp"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in fileio.remove_temporaries(tmp_path)] == [".f.txt.abc123.tmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".notes.tmp", "f.txt", "x.tmp"]


@pytest.mark.parametrize("make", ["link", "device", "large"])
def test_read_small_refuses_links_devices_and_large_files(tmp_path, make):
    path = tmp_path / "f"
    if make == "link":
        (tmp_path / "target").write_text("x")
        path.symlink_to(tmp_path / "target")
    elif make == "device":
        path = Path("/dev/zero")
    else:
        path.write_bytes(b"x" * 65)
    with pytest.raises(ValueError):
        fileio.read_small(path, 64)
