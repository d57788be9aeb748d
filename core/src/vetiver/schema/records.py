"""Parsed JSON request bodies (rows or columns) as DataFrames of object columns, ready for
:func:`~vetiver.schema.validate.validate_frame`."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import PrototypeValidationError
from .validate import _MAX_ROWS, _error, _show

__all__ = ["frame_from_columnar", "frame_from_records"]


def frame_from_records(records: Any) -> pd.DataFrame:
    """A DataFrame of object columns from parsed JSON ``[{column: value}, ...]``.

    Columns stay ``object`` so that pandas cannot coerce mixed values away before validation
    (``[1, "x"]`` keeps its ``"x"``; ``[2**60 + 1, None]`` does not lose digits to float64).
    A key missing from some rows becomes a null in those rows.
    """
    if not isinstance(records, list):
        raise PrototypeValidationError([_error(None, None, "a JSON array of row objects", type(records).__name__)])
    if set(map(type, records)) - {dict}:
        bad = [i for i, r in enumerate(records) if not isinstance(r, Mapping)]
        if bad:
            raise PrototypeValidationError(
                [_error(i, None, "an object of column values", _show(records[i])) for i in bad[:_MAX_ROWS]]
            )
    if not records:
        return pd.DataFrame(index=pd.RangeIndex(0))
    keys = list(records[0])
    # Fast path for the usual body, where every row has exactly the first row's keys: C-level
    # itemgetter calls are several times faster than pandas' general list-of-dicts reader.
    if len(keys) > 1 and set(map(len, records)) == {len(keys)}:
        try:
            rows = list(map(operator.itemgetter(*keys), records))
        except KeyError:
            rows = None
        if rows is not None:
            return pd.DataFrame(rows, columns=keys, dtype=object)
    return pd.DataFrame(records, dtype=object)


def frame_from_columnar(payload: Any) -> pd.DataFrame:
    """A DataFrame of object columns from parsed JSON ``{"columns": [...], "data": [[...], ...]}``.

    This is pandas' ``orient="split"`` layout (an ``"index"`` key is ignored). A row whose length
    differs from the number of columns is an error naming the row.
    """
    if not isinstance(payload, Mapping):
        raise PrototypeValidationError(
            [_error(None, None, 'an object with "columns" and "data"', type(payload).__name__)]
        )
    columns, data = payload.get("columns"), payload.get("data")
    errors = []
    if not isinstance(columns, list):
        errors.append(_error(None, None, '"columns": an array of names', _show(columns)))
    if not isinstance(data, list):
        errors.append(_error(None, None, '"data": an array of rows', _show(data)))
    if errors:
        raise PrototypeValidationError(errors)
    names = [str(c) for c in columns]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise PrototypeValidationError([_error(None, c, "unique column names", "a duplicate") for c in dupes])
    width = len(names)
    if set(map(type, data)) <= {list, tuple}:
        lengths = np.fromiter(map(len, data), dtype=np.int64, count=len(data))
        bad = np.flatnonzero(lengths != width)
    else:
        bad = np.array([i for i, r in enumerate(data) if not isinstance(r, (list, tuple)) or len(r) != width])
    if len(bad):
        raise PrototypeValidationError([_row_shape_error(int(i), data[i], width) for i in bad[:_MAX_ROWS]])
    if not data:
        return pd.DataFrame({n: pd.Series([], dtype=object) for n in names}, columns=names)
    return pd.DataFrame(data, columns=names, dtype=object)


def _row_shape_error(row: int, value: Any, width: int) -> dict:
    if isinstance(value, (list, tuple)):
        received = f"{len(value)} value{'' if len(value) == 1 else 's'}"
    else:
        received = _show(value)
    return _error(row, None, f"an array of {width} value{'' if width == 1 else 's'}", received)
