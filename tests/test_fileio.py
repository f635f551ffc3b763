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
