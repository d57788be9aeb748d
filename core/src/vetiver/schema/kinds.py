"""Column kinds and their spellings: JSON Schema types and formats, default pandas dtypes,
category level types, and JSON-able example values.

The bottom of the schema layer: everything else in :mod:`vetiver.schema` builds on these tables.
"""

from __future__ import annotations

import datetime
import decimal
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

#: The column kinds a :class:`Column` can have.
KINDS = ("integer", "number", "boolean", "string", "category", "datetime", "date", "any")


_KIND_TYPES = {"integer": "integer", "number": "number", "boolean": "boolean", "string": "string"}
_KIND_FORMATS = {"datetime": "date-time", "date": "date"}
_FORMAT_KINDS = {v: k for k, v in _KIND_FORMATS.items()}
_VENDOR_KEYS = ("x-vetiver-kind", "x-vetiver-dtype", "x-vetiver-ordered")
# Keys that describe the property itself rather than constrain its values.
_STRUCTURAL_KEYS = {
    "type", "title", "description", "example", "examples", "default", "enum", "const", "format",
    "anyOf", "oneOf", "allOf", "$ref", "not", "nullable", *_VENDOR_KEYS,
}  # fmt: skip


def _default_string_dtype() -> str:
    # pandas 3 infers its "str" dtype for text; pandas 2 keeps object.
    return str(pd.Series(["a"]).dtype)


_DEFAULT_DTYPES = {
    "integer": "int64",
    "number": "float64",
    "boolean": "bool",
    "string": _default_string_dtype(),
    "category": "category",
    "datetime": "datetime64[ns]",
    "date": "object",
    "any": "object",
}
# Nullable columns of these kinds need a pandas extension dtype to hold missing values exactly.
_NULLABLE_DTYPES = {"integer": "Int64", "boolean": "boolean"}


def _level_type(levels: tuple) -> str | None:
    """The JSON type shared by all category levels, or None when they are mixed."""
    if not levels:
        return None
    if all(isinstance(v, bool) for v in levels):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in levels):
        return "integer"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in levels):
        return "number"
    if all(isinstance(v, str) for v in levels):
        return "string"
    return None


def _jsonable(value: Any) -> Any:
    """A plain JSON-able Python value: numpy scalars unwrapped, NA to None, datetimes to ISO."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, np.timedelta64):
        return None if np.isnat(value) else pd.Timedelta(value).isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (int, str)):
        return value
    if isinstance(value, (datetime.date, datetime.time)):  # includes datetime and pd.Timestamp
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return pd.Timedelta(value).isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)  # keeps the exact digits
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
