"""Reading IDX files (the MNIST format), raw or gzip-compressed.

An IDX file is a 4-byte magic number ``0x00 0x00 <type> <ndim>``, then ``ndim``
big-endian uint32 sizes, then the values, big-endian, in C order.
"""

from __future__ import annotations

import gzip
import math
import struct
import zlib
from pathlib import Path

import numpy as np

from ganzoo.errors import DataError

# type code -> big-endian numpy dtype
DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"cannot read {path}: {exc}; delete it and fetch it again") from exc


def parse_idx(data: bytes, source: str = "<bytes>") -> np.ndarray:
    """The array an IDX byte string holds (native byte order)."""

    def corrupt(why: str) -> DataError:
        return DataError(f"{source} is not a valid IDX file ({why}); delete it and fetch it again")

    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise corrupt("bad magic number")
    type_code, ndim = data[2], data[3]
    if type_code not in DTYPES:
        raise corrupt(f"unknown value type 0x{type_code:02x}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise corrupt("truncated header")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = DTYPES[type_code]
    expected = math.prod(shape) * dtype.itemsize
    actual = len(data) - header
    if actual != expected:
        what = "truncated" if actual < expected else "trailing bytes"
        raise corrupt(f"{what}: {actual} bytes of values for shape {shape}, expected {expected}")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file; a name ending in ``.gz`` is decompressed. Raises :class:`DataError`."""
    path = Path(path)
    return parse_idx(_read_bytes(path), str(path))


def encode_idx(array: np.ndarray) -> bytes:
    """The IDX bytes of ``array`` (the inverse of :func:`parse_idx`)."""
    codes = {dtype.newbyteorder("="): code for code, dtype in DTYPES.items()}
    dtype = array.dtype.newbyteorder("=")
    if dtype not in codes:
        raise ValueError(f"IDX cannot store {array.dtype}")
    header = bytes([0, 0, codes[dtype], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.ascontiguousarray(array, dtype=DTYPES[codes[dtype]]).tobytes()
