import functools
import gzip
import hashlib
import http.server
import re
import threading

import numpy as np
import pytest
import torch

from ganzoo.data import mnist
from ganzoo.data.idx import encode_idx
from ganzoo.data.mnist import MNIST
from ganzoo.errors import DataError

N_TRAIN, N_TEST = 12, 5


def small_mnist_files() -> dict[str, bytes]:
    """Tiny stand-ins for the four MNIST files: raw IDX bytes by stem."""
    rng = np.random.RandomState(0)
    files = {}
    for split, n in (("train", N_TRAIN), ("test", N_TEST)):
        images_stem, labels_stem = mnist.SPLITS[split]
        images = rng.randint(0, 256, (n, 28, 28)).astype(np.uint8)
        images[0, 0, 0], images[0, 0, 1] = 0, 255
        files[images_stem] = encode_idx(images)
        files[labels_stem] = encode_idx((np.arange(n) % 10).astype(np.uint8))
    return files


def write_files(directory, files, gz=False):
    directory.mkdir(parents=True, exist_ok=True)
    for stem, data in files.items():
        name, data = (stem + ".gz", gzip.compress(data)) if gz else (stem, data)
        (directory / name).write_bytes(data)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """An HTTP server on 127.0.0.1 serving ``served/`` (the gzipped files); yields
    ``(base_url, checksums)``."""
    served = tmp_path / "served"
    write_files(served, small_mnist_files(), gz=True)
    checksums = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in served.iterdir()}
    handler = functools.partial(QuietHandler, directory=str(served))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", checksums
    httpd.shutdown()
    httpd.server_close()


def test_reads_raw_idx_files_from_data_dir(tmp_path):
    write_files(tmp_path, small_mnist_files())
    d = MNIST(data_dir=str(tmp_path))
    assert d.info.shape == (1, 28, 28) and d.info.bounded and d.info.num_classes == 10
    assert len(d) == N_TRAIN and len(d.test_rows) == N_TEST
    assert d.train_split()[0][0, 0, 0, 0] == -1 and d.train_split()[0][0, 0, 0, 1] == 1
    assert d.train_labels.tolist() == [i % 10 for i in range(N_TRAIN)]


def test_reads_gz_files_the_same_as_raw(tmp_path):
    write_files(tmp_path / "raw", small_mnist_files())
    write_files(tmp_path / "gz", small_mnist_files(), gz=True)
    a, b = MNIST(data_dir=str(tmp_path / "raw")), MNIST(data_dir=str(tmp_path / "gz"))
    assert torch.equal(a.train_split()[0], b.train_split()[0]) and torch.equal(a.test_labels, b.test_labels)


def test_uses_the_cache_directory_without_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GANZOO_CACHE", str(tmp_path))
    write_files(tmp_path / "mnist", small_mnist_files())
    assert len(MNIST()) == N_TRAIN


def test_missing_files_without_download_name_the_directory_and_the_fix(tmp_path):
    with pytest.raises(DataError) as err:
        MNIST(data_dir=str(tmp_path))
    message = str(err.value)
    assert str(tmp_path) in message and "--download" in message and "--data-dir" in message


def test_download_fetches_verifies_and_announces(tmp_path, server):
    base, checksums = server
    messages = []
    d = MNIST(data_dir=str(tmp_path / "dl"), download=True, mirrors=[base], checksums=checksums, log=messages.append)
    assert len(d) == N_TRAIN and len(d.test_rows) == N_TEST
    assert sorted(p.name for p in (tmp_path / "dl").iterdir()) == sorted(checksums)
    assert sum("Downloading " + base in m for m in messages) == 4


def test_download_falls_back_to_the_next_mirror(tmp_path, server):
    base, checksums = server
    messages = []
    d = MNIST(
        data_dir=str(tmp_path / "dl"), download=True,
        mirrors=[base + "missing/", base], checksums=checksums, log=messages.append,
    )
    assert len(d) == N_TRAIN
    assert any("failed" in m for m in messages)


def test_download_only_fetches_missing_files(tmp_path, server):
    base, checksums = server
    files = small_mnist_files()
    write_files(tmp_path, {k: v for k, v in files.items() if k.startswith("train")})
    messages = []
    MNIST(data_dir=str(tmp_path), download=True, mirrors=[base], checksums=checksums, log=messages.append)
    assert sum(m.startswith("Downloading") for m in messages) == 2


def test_checksum_mismatch_is_a_data_error_and_leaves_no_file(tmp_path, server):
    base, checksums = server
    wrong = {name: "0" * 64 for name in checksums}
    target = tmp_path / "dl"
    with pytest.raises(DataError, match="sha256 mismatch"):
        MNIST(data_dir=str(target), download=True, mirrors=[base], checksums=wrong, log=lambda m: None)
    assert list(target.iterdir()) == []


def test_unreachable_mirrors_are_a_data_error(tmp_path, server):
    base, checksums = server
    with pytest.raises(DataError, match="could not download"):
        MNIST(data_dir=str(tmp_path), download=True, mirrors=[base + "nope/"], checksums=checksums, log=lambda m: None)


def test_truncated_idx_file_is_a_data_error(tmp_path):
    files = small_mnist_files()
    stem = mnist.SPLITS["train"][0]
    files[stem] = files[stem][:-100]
    write_files(tmp_path, files)
    with pytest.raises(DataError, match=stem):
        MNIST(data_dir=str(tmp_path))


def test_corrupt_gz_file_is_a_data_error(tmp_path):
    write_files(tmp_path, small_mnist_files(), gz=True)
    path = tmp_path / (mnist.SPLITS["test"][1] + ".gz")
    path.write_bytes(b"not gzip at all")
    with pytest.raises(DataError, match=path.name):
        MNIST(data_dir=str(tmp_path))


def test_image_and_label_counts_must_agree(tmp_path):
    files = small_mnist_files()
    files[mnist.SPLITS["test"][1]] = encode_idx(np.zeros(N_TEST + 1, np.uint8))
    write_files(tmp_path, files)
    with pytest.raises(DataError, match="labels"):
        MNIST(data_dir=str(tmp_path))


def test_default_checksums_cover_the_four_published_files():
    expected = {stem + ".gz" for pair in mnist.SPLITS.values() for stem in pair}
    assert set(mnist.CHECKSUMS) == expected
    assert all(len(h) == 64 for h in mnist.CHECKSUMS.values())


def test_download_shows_bytes_and_rate_on_stderr(tmp_path, server, capsys, monkeypatch):
    from ganzoo import progress

    monkeypatch.setattr(progress, "PLAIN_DELAY_S", 0)  # the files here are tiny; show them anyway
    base, checksums = server
    mnist.fetch("t10k-labels-idx1-ubyte.gz", tmp_path, mirrors=[base], checksums=checksums, log=lambda m: None)
    captured = capsys.readouterr()
    final = captured.err.splitlines()[-1]
    assert final.startswith("  t10k-labels-idx1-ubyte.gz: ") and "B/s" in final
    assert re.search(r": (\S+)/\1 \[", final)  # all of the announced length
    assert captured.out == "" and "\r" not in captured.err
