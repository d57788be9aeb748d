"""Typed decoding of ``[{...}, ...]`` bodies straight from bytes, for schemas of one numeric dtype.

Parsing a 1,000-row records body with orjson builds 1,000 dicts and 3,000 number objects, and the
fast frame path then walks them twice more (picking columns, checking types) before numpy sees
a value: together about 70% of such a request's CPU time. msgspec decodes the bytes into
slotted row objects of the schema's field types in one C pass, checking every type as it goes
(a float for an integer column, a bool or a null for a number, a missing column: all rejected),
so only the copy into the 2-D array is left. Anything it rejects goes back to the general path
(orjson, then :class:`~vetiver.serving.fast_frames.FrameDecoder` or the validator), which
accepts or rejects it with precise errors; tests check both paths agree.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from operator import attrgetter

import msgspec
import numpy as np

# Column kind -> the msgspec field type that accepts exactly what the fast frame path accepts
# (JSON integers in a number column are read as floats, as numpy would).
_FIELD_TYPES: dict[str, type] = {"integer": int, "number": float, "boolean": bool}


class RecordsDecoder:
    """Decodes a records body for one schema whose columns all share one numpy dtype.

    Args:
        names: The schema's column names, in order.
        kinds: Each column's kind (``integer``, ``number`` or ``boolean``).
        dtype: The dtype of the 2-D block.
        forbid_extra: Reject rows with columns the schema does not have (the general path then
            answers with the error).
    """

    def __init__(self, names: Sequence[str], kinds: Sequence[str], dtype: np.dtype, *, forbid_extra: bool) -> None:
        # Field names must be identifiers; the JSON keys (any string) are mapped onto them.
        fields = [f"f{i}" for i in range(len(names))]
        row = msgspec.defstruct(
            "Row",
            [(field, _FIELD_TYPES[kind]) for field, kind in zip(fields, kinds, strict=True)],
            rename=dict(zip(fields, names, strict=True)),
            forbid_unknown_fields=forbid_extra,
            gc=False,  # rows hold only numbers: no reference cycles to track
        )
        # list[row] spelled as the alias it evaluates to: ``row`` is a class made at run time.
        self._decoder = msgspec.json.Decoder(types.GenericAlias(list, (row,)))
        # One getter per column: filling each column of the array from its own iterator is faster
        # than flattening row tuples.
        self._columns = [attrgetter(field) for field in fields]
        self._dtype = dtype

    @staticmethod
    def supports(kinds: Sequence[str]) -> bool:
        """Whether columns of these kinds can be decoded this way."""
        return bool(kinds) and all(kind in _FIELD_TYPES for kind in kinds)

    def decode(self, body: bytes) -> np.ndarray | None:
        """The ``(rows, columns)`` array, or None when the body is not a non-empty array of rows
        that all have every column with a value of its type (the general path decides then)."""
        try:
            rows = self._decoder.decode(body)
        except msgspec.MsgspecError:
            return None
        if not rows:
            return None
        block = np.empty((len(rows), len(self._columns)), dtype=self._dtype)
        try:
            for j, column in enumerate(self._columns):
                block[:, j] = np.fromiter(map(column, rows), dtype=self._dtype, count=len(rows))
        except (OverflowError, ValueError):  # an integer out of the dtype's range
            return None
        return block
