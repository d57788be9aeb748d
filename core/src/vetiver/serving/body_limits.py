"""Bounds on what a request body may decode to, checked before it is decoded.

The body-size limit bounds what a client sends, not what it costs: a 10 KiB zstd-compressed Arrow
IPC body inflated to 623 MiB, and 40,000 JSON column names took a minute in a quadratic duplicate
check. So:

* Arrow IPC bodies are scanned message by message *without decompressing anything*: the
  flatbuffer metadata gives each record batch's row count, field nodes and buffer lengths, and a
  compressed buffer starts with its uncompressed length (8 bytes, little endian). The sum must
  stay within the API's ``max_body_size`` (decoded bytes) and ``max_cells`` (values, the sum of
  every field node's length, so all-null and nested columns count too) before pyarrow decodes a
  byte. The scan is linear in the metadata size.
* Every body may have at most :data:`MAX_COLUMNS` columns, and column names are checked for
  duplicates in linear time.
"""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..errors import PrototypeValidationError, VetiverError
from ..schema.validate import _error

MAX_COLUMNS = 10_000
"""The most columns a request body may have (a prototype rarely has more than a few hundred)."""

CELL_BYTES = 4
"""Bytes of ``max_body_size`` per decoded value allowed (the default 64 MiB allows 16 million values)."""

_MAX_ERRORS = 20
_RECORD_BATCH, _DICTIONARY_BATCH = 3, 2  # MessageHeader union tags of the Arrow format
_STRUCT_SIZE = 16  # FieldNode and Buffer are both two int64s


class DecodedTooLarge(VetiverError):
    """The body would decode to more than the API allows (HTTP 413)."""


def column_error(expected: str, received: str) -> PrototypeValidationError:
    """An error about a body's columns as a whole (422)."""
    return PrototypeValidationError([_error(None, None, expected, received)])


def check_column_names(names: Sequence[Any]) -> list[str]:
    """Column names of a body as strings: at most :data:`MAX_COLUMNS`, all strings, no duplicates.

    Raises:
        PrototypeValidationError: naming the count, the position of a non-string name or the
            duplicated names (422).
    """
    if len(names) > MAX_COLUMNS:
        raise column_error(f"at most {MAX_COLUMNS} columns", f"{len(names)} columns")
    errors = [
        _error(None, None, f"a string as column name {position}", _type_name(name))
        for position, name in enumerate(names) if not isinstance(name, str)
    ]  # fmt: skip
    if errors:
        raise PrototypeValidationError(errors[:_MAX_ERRORS])
    dupes = sorted(name for name, count in Counter(names).items() if count > 1)
    if dupes:
        raise PrototypeValidationError(
            [_error(None, n, "unique column names", "a duplicate") for n in dupes[:_MAX_ERRORS]]
        )
    return list(names)


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "an array", type(None): "null"}.get(type(value), type(value).__name__)


# --- Arrow IPC -----------------------------------------------------------------------------------


class _Table:
    """Just enough of a flatbuffers table reader for Arrow's Message, RecordBatch and Schema."""

    def __init__(self, buf: memoryview, pos: int) -> None:
        self.buf, self.pos = buf, pos
        self.vtable = pos - struct.unpack_from("<i", buf, pos)[0]
        self.vtable_size = struct.unpack_from("<H", buf, self.vtable)[0]

    def _offset(self, field: int) -> int:
        slot = 4 + 2 * field
        return struct.unpack_from("<H", self.buf, self.vtable + slot)[0] if slot < self.vtable_size else 0

    def scalar(self, field: int, fmt: str) -> int:
        offset = self._offset(field)
        return struct.unpack_from(fmt, self.buf, self.pos + offset)[0] if offset else 0

    def table(self, field: int) -> _Table | None:
        offset = self._offset(field)
        if not offset:
            return None
        at = self.pos + offset
        return _Table(self.buf, at + struct.unpack_from("<I", self.buf, at)[0])

    def vector(self, field: int, item_size: int) -> tuple[int, int]:
        """(start, count) of a vector field, checked to lie inside the buffer."""
        offset = self._offset(field)
        if not offset:
            return 0, 0
        at = self.pos + offset
        start = at + struct.unpack_from("<I", self.buf, at)[0]
        count = struct.unpack_from("<I", self.buf, start)[0]
        if start + 4 + count * item_size > len(self.buf):
            raise struct.error("vector runs past the message metadata")
        return start + 4, count


def _batch_size(batch: _Table, body: memoryview) -> tuple[int, int]:
    """(decoded bytes, values) of one RecordBatch flatbuffer and its body."""
    meta = batch.buf
    start, count = batch.vector(1, _STRUCT_SIZE)  # nodes: FieldNode{length, null_count}
    cells = sum(struct.unpack_from("<q", meta, start + i * _STRUCT_SIZE)[0] for i in range(count))
    compressed = batch.table(3) is not None  # BodyCompression present
    start, count = batch.vector(2, _STRUCT_SIZE)  # buffers: Buffer{offset, length}
    size = 0
    for i in range(count):
        offset, length = struct.unpack_from("<qq", meta, start + i * _STRUCT_SIZE)
        if compressed and length >= 8:
            declared = struct.unpack_from("<q", body, offset)[0]
            size += length - 8 if declared == -1 else declared
        else:
            size += length
    if cells < 0 or size < 0:
        raise struct.error("negative lengths")
    return size, cells


def arrow_decoded_size(body: bytes, file_format: bool) -> tuple[int, int, int]:
    """(decoded bytes, values, columns) of an Arrow IPC stream or file, read from its metadata.

    Raises:
        struct.error, pyarrow.ArrowInvalid: the metadata cannot be read (a malformed body).
    """
    import pyarrow as pa

    data = memoryview(body)[8:] if file_format else memoryview(body)  # skip "ARROW1\0\0"
    reader = pa.ipc.MessageReader.open_stream(pa.BufferReader(pa.py_buffer(data)))
    size = cells = columns = 0
    while True:
        try:
            message = reader.read_next_message()
        except StopIteration:
            return size, cells, columns
        meta = memoryview(message.metadata)
        root = _Table(meta, struct.unpack_from("<I", meta, 0)[0])
        kind, header = root.scalar(1, "<B"), root.table(2)
        if header is None:
            continue
        if message.type == "schema":
            columns = header.vector(1, 4)[1]  # Schema.fields
            continue
        batch = header if kind == _RECORD_BATCH else header.table(1) if kind == _DICTIONARY_BATCH else None
        if batch is not None:
            body_view = memoryview(message.body) if message.body is not None else memoryview(b"")
            more_size, more_cells = _batch_size(batch, body_view)
            size, cells = size + more_size, cells + more_cells


def check_arrow(body: bytes, file_format: bool, max_bytes: int) -> None:
    """Refuse an Arrow body that would decode past ``max_bytes`` or ``max_bytes // CELL_BYTES``
    values, or that has more than :data:`MAX_COLUMNS` columns, before it is decoded.

    Raises:
        DecodedTooLarge: over the byte or value bound (413).
        PrototypeValidationError: too many columns (422).
        struct.error, pyarrow.ArrowInvalid: the metadata is malformed.
    """
    size, cells, columns = arrow_decoded_size(body, file_format)
    if columns > MAX_COLUMNS:
        raise column_error(f"at most {MAX_COLUMNS} columns", f"{columns} columns")
    if size > max_bytes:
        raise DecodedTooLarge(f"the Arrow body decodes to {size} bytes, more than the limit of {max_bytes} bytes")
    max_cells = max_bytes // CELL_BYTES
    if cells > max_cells:
        raise DecodedTooLarge(f"the Arrow body holds {cells} values, more than the limit of {max_cells}")
