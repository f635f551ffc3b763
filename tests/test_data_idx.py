import gzip

import numpy as np
import pytest

from ganzoo.data.idx import encode_idx, parse_idx, read_idx
from ganzoo.errors import DataError


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_encode_then_parse_gives_the_array_back(dtype):
    a = (np.arange(24) - 5).reshape(2, 3, 4).astype(dtype)
    b = parse_idx(encode_idx(a))
    assert b.dtype == a.dtype and np.array_equal(a, b)


def test_header_is_big_endian_magic_and_sizes():
    data = encode_idx(np.zeros((2, 3), np.uint8))
    assert data[:12] == bytes([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3])


def test_read_idx_decompresses_gz(tmp_path):
    a = np.arange(10, dtype=np.uint8)
    (tmp_path / "a.gz").write_bytes(gzip.compress(encode_idx(a)))
    assert np.array_equal(read_idx(tmp_path / "a.gz"), a)


def test_bad_magic_is_a_data_error():
    with pytest.raises(DataError, match="magic"):
        parse_idx(b"\x01\x02\x08\x01\x00\x00\x00\x01\x00", "x.idx")


def test_truncated_values_are_a_data_error():
    data = encode_idx(np.zeros((4, 4), np.uint8))
    with pytest.raises(DataError, match="truncated"):
        parse_idx(data[:-3], "x.idx")


def test_trailing_bytes_are_a_data_error():
    data = encode_idx(np.zeros(4, np.uint8))
    with pytest.raises(DataError, match="trailing"):
        parse_idx(data + b"\x00", "x.idx")


def test_corrupt_gzip_is_a_data_error_naming_the_file(tmp_path):
    path = tmp_path / "bad.gz"
    path.write_bytes(gzip.compress(encode_idx(np.zeros(100, np.uint8)))[:-20])
    with pytest.raises(DataError, match="bad.gz"):
        read_idx(path)
