"""Vectorized validation of request data against a :class:`~vetiver.prototype.TableSchema`.

vetiver-python 0.2.6 validated requests row by row with pydantic, which costs a Python object per
cell. Here each column is checked and converted with pandas/numpy operations; Python-level work per
row only happens on the error path, to describe at most ``_MAX_ROWS`` bad rows per column.

Rows in errors are 0-based positions in the request body (as 0.2.6's ``('body', 0, 'B')``).
"""

from __future__ import annotations

import datetime
import functools
import numbers
import operator
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api import types as pdt

from vetiver.errors import VetiverError
from vetiver.prototype import Column, TableSchema, _level_type

__all__ = [
    "PrototypeValidationError",
    "frame_from_columnar",
    "frame_from_records",
    "validate_frame",
]

#: Bad rows described per column; the rest are counted in one summary error.
_MAX_ROWS = 20
#: Errors shown by ``str(PrototypeValidationError)``.
_MAX_SHOWN = 5


class PrototypeValidationError(VetiverError, ValueError):
    """Request data does not match the model's prototype.

    ``errors`` is a list of ``{"row", "column", "expected", "received", "message"}`` dicts
    (``row``/``column`` are None when the error is not about one row/column).
    """

    def __init__(self, errors: list[dict]) -> None:
        self.errors = list(errors)
        super().__init__(self._summary())

    def _summary(self) -> str:
        n = len(self.errors)
        head = "; ".join(e["message"] for e in self.errors[:_MAX_SHOWN])
        more = f"; and {n - _MAX_SHOWN} more" if n > _MAX_SHOWN else ""
        return f"{n} validation error{'' if n == 1 else 's'}: {head}{more}"

    def __reduce__(self) -> tuple:
        # Rebuild from the errors, not from the message, when pickled (e.g. across processes).
        return type(self), (self.errors,)

    def to_dict(self) -> dict:
        """``{"detail": [errors]}``, a JSON body for a 422 response."""
        return {"detail": [dict(e) for e in self.errors]}


def _error(row: int | None, column: str | None, expected: str, received: str) -> dict:
    parts = []
    if column is not None:
        parts.append(f"column {column!r}")
    if row is not None:
        parts.append(f"row {row}")
    where = ", ".join(parts)
    message = f"expected {expected}, received {received}"
    return {
        "row": row,
        "column": column,
        "expected": expected,
        "received": received,
        "message": f"{where}: {message}" if where else message,
    }


def _show(value: Any) -> str:
    """A short repr of a received value (numpy scalars shown as plain Python values)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return "null"
    if isinstance(value, float) and np.isnan(value):
        return "null"
    if isinstance(value, np.generic):
        value = value.item()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------------------------
# Request bodies -> frames
# --------------------------------------------------------------------------------------------


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
    from .body_limits import check_column_names  # (imports this module)

    names = check_column_names(columns)
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


# --------------------------------------------------------------------------------------------
# Frame validation
# --------------------------------------------------------------------------------------------


def validate_frame(
    schema: TableSchema,
    frame: pd.DataFrame,
    *,
    extra: str = "ignore",
    from_text: bool = False,
) -> pd.DataFrame:
    """Check ``frame`` against ``schema`` and return it converted to the schema's exact dtypes.

    The result has exactly the schema's columns, in schema order, and the input's index. Extra
    columns are dropped (``extra="ignore"``) or rejected (``extra="forbid"``). JSON data must
    carry real types (``"1"`` is not an integer, ``1`` is not a boolean); ``from_text=True`` is
    for CSV bodies, where values arrive as text: numbers, booleans (true/false/True/False/1/0)
    and date-times are parsed, and empty strings are nulls except in string columns.

    Raises :class:`PrototypeValidationError` listing missing/extra columns, an empty body, and
    per-row type, null, category and constraint violations (at most 20 rows per column, then a
    count of the rest). Rows are 0-based positions.
    """
    out, errors = _validate(schema, frame, extra=extra, from_text=from_text, strict=True)
    if errors:
        raise PrototypeValidationError(errors)
    return out


def _convert_frame(schema: TableSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """Convert without checking nulls and constraints (for ``TableSchema.example_frame``)."""
    out, errors = _validate(schema, frame, extra="ignore", from_text=False, strict=False)
    if errors:
        raise PrototypeValidationError(errors)
    return out


def _validate(
    schema: TableSchema, frame: pd.DataFrame, *, extra: str, from_text: bool, strict: bool
) -> tuple[pd.DataFrame | None, list[dict]]:
    if extra not in ("ignore", "forbid"):
        raise ValueError(f"extra must be 'ignore' or 'forbid', not {extra!r}")
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"validate_frame needs a pandas DataFrame, not {type(frame).__name__}")
    if len(frame) == 0:  # nothing to predict on; column problems would only be noise
        return None, [_error(None, None, "at least one row", "0 rows")]
    errors: list[dict] = []
    # Request keys are strings; frames built in Python may have other labels (0, 1, ...).
    positions: dict[str, list[int]] = {}
    labels = list(frame.columns)
    for i, label in enumerate(labels):
        positions.setdefault(str(label), []).append(i)
    for col in schema.columns:
        if col.name not in positions:
            errors.append(_error(None, col.name, _describe(col), "a missing column"))
        elif len(positions[col.name]) > 1:
            errors.append(_error(None, col.name, "one column of this name", "duplicate columns"))
    if extra == "forbid":
        known = set(schema.names)
        errors.extend(
            _error(None, name, "no column of this name", "an extra column") for name in positions if name not in known
        )

    out: list[pd.Series] = []
    unique = frame.columns.is_unique
    for col in schema.columns:
        if len(positions.get(col.name, ())) != 1:
            continue
        j = positions[col.name][0]
        s = frame[labels[j]] if unique else frame.iloc[:, j]  # [] is the faster lookup
        result, issues, x = _check_column(col, s, from_text=from_text, strict=strict)
        errors.extend(_describe_issues(col.name, x, issues))
        if result is not None and not errors:
            out.append(_output_column(col.name, result, x, frame.index))
    if errors:
        return None, errors
    if not out:
        return pd.DataFrame(index=frame.index), []
    # concat of Series sharing one index is several times faster than the DataFrame constructor.
    return pd.concat(out, axis=1), []


def _output_column(name: str, result: Any, x: _Input, index: pd.Index) -> pd.Series:
    """The validated column, never sharing memory with the request frame behind pandas' back."""
    if result is x.values or result is x.series.array:
        # Unchanged: hand on the input Series, whose sharing pandas' copy-on-write tracks.
        return x.series.rename(name)
    # Conversions from object columns always allocate; from typed columns they may return views
    # of the input (an int64 column cast to int64), so those are copied.
    copy = not pdt.is_object_dtype(x.series.dtype)
    # An explicit object dtype: pandas 3 would otherwise re-infer "str" for text.
    dtype = object if isinstance(result, np.ndarray) and result.dtype == object else None
    return pd.Series(result, index=index, dtype=dtype, name=name, copy=copy)


@dataclass
class _Input:
    """One request column, inspected once."""

    series: pd.Series
    values: np.ndarray | None  # the numpy values of numpy-backed columns
    na: np.ndarray  # null rows
    inferred: str | None  # pandas' infer_dtype(skipna=True) of object columns

    def objects(self) -> np.ndarray:
        """The values as an object array (nulls as None for extension arrays)."""
        if self.values is not None and self.values.dtype == object:
            return self.values
        return self.series.to_numpy(dtype=object, na_value=None)


def _inspect(s: pd.Series, *, text_nulls: bool) -> _Input:
    dtype = s.dtype
    values: np.ndarray | None = None
    inferred = None
    if isinstance(dtype, np.dtype):
        values = s.to_numpy()
        if dtype.kind in "iub":
            na = np.zeros(len(s), dtype=bool)
        elif dtype.kind == "f":
            na = np.isnan(values)
        elif dtype.kind in "mM":
            na = np.isnat(values)
        elif dtype.kind == "O":
            # One pass that, for the common clean column, both types it and proves it null-free.
            inferred = pdt.infer_dtype(values, skipna=False)
            if inferred in ("integer", "string", "boolean"):
                na = np.zeros(len(s), dtype=bool)
            else:
                na = pd.isna(values)
                if na.any():
                    inferred = pdt.infer_dtype(values, skipna=True)
        else:
            na = pd.isna(values)
    else:
        na = s.isna().to_numpy(dtype=bool)
    if text_nulls:  # in CSV an empty field is a missing value
        if values is not None and values.dtype == object:
            na = na | (values == "")
        elif pdt.is_string_dtype(dtype):
            na = na | (s == "").to_numpy(dtype=bool, na_value=False)
    return _Input(s, values, na, inferred)


# An issue is (bad-row mask, expected, whether the rows are nulls), or for errors about the
# whole column, (None, expected, received).
_Issue = tuple[Any, str, Any]


def _check_column(col: Column, s: pd.Series, *, from_text: bool, strict: bool) -> tuple[Any, list[_Issue], _Input]:
    """Convert one column; ``strict`` adds the null and constraint checks."""
    if isinstance(s.dtype, pd.CategoricalDtype) and col.kind != "category":
        s = s.astype(object)  # check a categorical's values like any others
    x = _inspect(s, text_nulls=from_text and col.kind != "string")
    issues: list[_Issue] = []
    if strict and not col.nullable and x.na.any():
        issues.append((x.na, f"{_describe(col)} (not null)", True))
    try:
        converted, bad, checks = _CONVERTERS[col.kind](col, x, from_text)
    except (ValueError, TypeError, OverflowError) as exc:
        return None, [*issues, (None, _describe(col), f"values that cannot be converted ({exc})")], x
    if bad is not None and bad.any():
        issues.append((bad, _describe(col), False))
    if strict and col.constraints and checks is not None:
        ok = ~x.na if bad is None else ~x.na & ~bad
        issues.extend(_constraint_issues(col, checks, ok))
    if any(mask is not None and mask.any() for mask, _, _ in issues):
        return None, issues, x
    try:
        return _cast(col, converted, x), issues, x
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. out of range for the dtype
        return None, [(None, f"values convertible to {col.dtype}", str(exc))], x


def _describe_issues(name: str, x: _Input, issues: list[_Issue]) -> list[dict]:
    errors = []
    shown: list[tuple[int, str, str]] = []
    total = 0
    for mask, expected, detail in issues:
        if mask is None:
            errors.append(_error(None, name, expected, detail))
            continue
        rows = np.flatnonzero(mask)
        total += len(rows)
        for row in rows[:_MAX_ROWS]:
            value = x.values[row] if x.values is not None else x.series.iloc[row]
            shown.append((int(row), expected, "null" if detail is True else _show(value)))
    shown.sort(key=lambda t: t[0])
    errors.extend(_error(row, name, exp, rec) for row, exp, rec in shown[:_MAX_ROWS])
    if total > _MAX_ROWS:
        errors.append(_error(None, name, "valid values", f"{total - _MAX_ROWS} more invalid rows"))
    return errors


def _describe(col: Column) -> str:
    if col.kind == "category":
        levels = list(col.levels or ())
        shown = repr(levels) if len(levels) <= 10 else repr(levels[:10])[:-1] + ", ...]"
        return f"one of {shown}"
    return {
        "datetime": "an ISO 8601 date-time",
        "date": "an ISO 8601 date",
        "any": f"a value convertible to {col.dtype}",
    }.get(col.kind, col.kind)


# -- converters ---------------------------------------------------------------------------------
#
# Each converter returns (canonical values, bad-row mask or None, values for the constraint
# checks or None). Values at null or bad rows are arbitrary; _cast puts the nulls back.

_Converted = tuple[Any, "np.ndarray | None", Any]


def _is_text_extension(dtype: Any) -> bool:
    """pandas' string dtypes ("str", "string", Arrow strings), not object."""
    return not isinstance(dtype, np.dtype) and pdt.is_string_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype)


def _isinstance_mask(arr: np.ndarray, types: tuple, exclude: tuple = ()) -> np.ndarray:
    """Elementwise isinstance: a Python call per element, so only used off the happy path."""
    check = np.frompyfunc(lambda v: isinstance(v, types) and not isinstance(v, exclude), 1, 1)
    return check(arr).astype(bool)


def _fill(arr: np.ndarray, mask: np.ndarray, value: Any) -> np.ndarray:
    return np.where(mask, value, arr) if mask.any() else arr


def _lookup(arr: np.ndarray, table: Mapping) -> np.ndarray:
    """``table[value]`` per row (-1 for nulls and unknown values), hashing each distinct value once."""
    try:
        codes, uniques = pd.factorize(arr)
    except TypeError:  # unhashable values (JSON arrays/objects) are never in the table
        hashable = _isinstance_mask(arr, (Hashable,))
        out = np.full(len(arr), -1, dtype=np.int64)
        out[hashable] = _lookup(arr[hashable], table)
        return out
    mapped = np.fromiter((table.get(u, -1) for u in uniques), dtype=np.int64, count=len(uniques))
    return np.where(codes >= 0, mapped[codes], -1) if len(mapped) else np.full(len(arr), -1, dtype=np.int64)


def _numbers(x: _Input, from_text: bool) -> tuple[np.ndarray, np.ndarray]:
    """Numeric values (an int, uint or float array) and the mask of non-numeric rows."""
    s, arr, na = x.series, x.values, x.na
    none = np.zeros(len(s), dtype=bool)
    zeros = np.zeros(len(s), dtype=np.int64)
    if arr is None:  # extension arrays
        dtype = s.dtype
        if pdt.is_bool_dtype(dtype):
            return (s.to_numpy(dtype=np.int64, na_value=0), none) if from_text else (zeros, ~na)
        if pdt.is_integer_dtype(dtype):
            target = np.uint64 if pdt.is_unsigned_integer_dtype(dtype) else np.int64
            return s.to_numpy(dtype=target, na_value=0), none
        if pdt.is_float_dtype(dtype):
            return s.to_numpy(dtype=np.float64, na_value=np.nan), none
        if not (from_text and pdt.is_string_dtype(dtype)):
            return zeros, ~na
        fast = _arrow_text_numbers(s, na)
        if fast is not None:
            return fast, none
        arr = x.objects()
    kind = arr.dtype.kind
    if kind == "b":  # JSON true is not a number; a CSV reader may have read a 0/1 column as bool
        return (arr.astype(np.int64), none) if from_text else (zeros, ~na)
    if kind in "iuf":
        return arr, none
    if kind != "O":
        return zeros, ~na
    if from_text:
        parsed = pd.to_numeric(arr, errors="coerce")
        parsed = parsed.astype(np.float64) if parsed.dtype == object else parsed
        return parsed, (~na & np.isnan(parsed)) if parsed.dtype.kind == "f" else none
    if x.inferred == "integer":
        try:
            return _fill(arr, na, 0).astype(np.int64), none
        except OverflowError:  # beyond int64: let to_numeric pick uint64 below
            pass
    elif x.inferred in ("floating", "mixed-integer-float"):
        return _fill(arr, na, np.nan).astype(np.float64), none
    elif x.inferred == "empty":
        return zeros, none
    bad = ~na & ~_isinstance_mask(arr, (numbers.Real,), (bool, np.bool_))
    parsed = pd.to_numeric(np.where(na | bad, 0, arr), errors="coerce")
    return (parsed.astype(np.float64) if parsed.dtype == object else parsed), bad


def _arrow_text_numbers(s: pd.Series, na: np.ndarray) -> np.ndarray | None:
    """Parse an Arrow-backed text column (a CSV body) in C++; None if any value needs pandas."""
    try:
        text = pa.array(s)  # no copy for Arrow-backed strings
    except (pa.ArrowException, TypeError, ValueError):
        return None
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        return None
    if na.any():  # e.g. empty CSV fields
        text = pc.if_else(pa.array(~na), text, pa.scalar(None, text.type))
    # Arrow's integer cast also reads hex ("0x10"), so only plain digits take that route.
    plain_ints = pc.all(pc.match_substring_regex(text, r"^[+-]?[0-9]+$")).as_py() is not False
    try:
        parsed = pc.cast(text, pa.int64() if plain_ints else pa.float64())
    except pa.ArrowInvalid:  # a value pandas may still read, or a real error to report per row
        return None
    values = pc.fill_null(parsed, 0).to_numpy()
    if values.dtype.kind == "f" and np.isnan(values).any():
        return None  # "nan" text: let the pandas path report it like any other non-number
    return values


@functools.lru_cache(maxsize=256)
def _dtype(name: str) -> Any:
    return pdt.pandas_dtype(name)


def _numpy_int(col: Column) -> np.dtype:
    """The numpy integer type behind the column's dtype (int64 for Int64, int64[pyarrow], ...)."""
    dtype = _dtype(col.dtype or "int64")
    numpy_dtype = getattr(dtype, "numpy_dtype", dtype)
    if isinstance(numpy_dtype, np.dtype) and numpy_dtype.kind in "iu":
        return numpy_dtype
    return np.dtype(np.int64)


def _to_integer(col: Column, x: _Input, from_text: bool) -> _Converted:
    values, bad = _numbers(x, from_text)
    na = x.na
    target = _numpy_int(col)
    if values.dtype.kind == "f":
        # JSON does not tell 1 from 1.0, so 1.0 is the integer 1; 1.5, inf and nan are not integers.
        info = np.iinfo(target)
        with np.errstate(invalid="ignore"):
            fails = ~(np.isfinite(values) & (values == np.trunc(values)))
            fails |= (values < float(info.min)) | (values >= float(info.max) + 1.0)
        bad = bad | (~na & fails)
    elif not np.can_cast(values.dtype, target, casting="safe"):
        info = np.iinfo(target)
        bad = bad | (~na & ((values < info.min) | (values > info.max)))
    if bad.any() or (na.any() and values.dtype.kind == "f"):
        values = np.where(na | bad, 0, values)
    ints = values.astype(target, copy=False)
    return ints, bad, ints


def _to_number(col: Column, x: _Input, from_text: bool) -> _Converted:
    values, bad = _numbers(x, from_text)
    floats = values.astype(np.float64, copy=False)
    return floats, bad, floats


# CSV spellings of booleans -> 1/0. True and False are there for columns a CSV reader already
# parsed; since True == 1 in Python they also admit the numbers 1 and 0.
_TEXT_BOOLS = {"true": 1, "True": 1, "TRUE": 1, "1": 1, True: 1,
               "false": 0, "False": 0, "FALSE": 0, "0": 0, False: 0}  # fmt: skip


def _to_boolean(col: Column, x: _Input, from_text: bool) -> _Converted:
    s, arr, na = x.series, x.values, x.na
    none = np.zeros(len(s), dtype=bool)
    if arr is None:
        if pdt.is_bool_dtype(s.dtype):
            return s.to_numpy(dtype=bool, na_value=False), none, None
        if from_text and _is_text_extension(s.dtype):
            # Factorizing Arrow-backed text directly skips a conversion to Python strings.
            codes = _lookup(s.array, _TEXT_BOOLS)
            return codes == 1, ~na & (codes < 0), None
        if not (from_text and pdt.is_numeric_dtype(s.dtype)):
            return none, ~na, None
        arr = x.objects()
    if arr.dtype.kind == "b":
        return arr, none, None
    if from_text:
        codes = _lookup(arr, _TEXT_BOOLS)
        return codes == 1, ~na & (codes < 0), None
    if arr.dtype.kind != "O":
        return none, ~na, None
    if x.inferred == "boolean":
        return _fill(arr, na, False).astype(bool), none, None
    if x.inferred == "empty":
        return none, none, None
    bad = ~na & ~_isinstance_mask(arr, (bool, np.bool_))  # JSON 1/0 and "true" are not booleans
    return np.where(na | bad, False, arr).astype(bool), bad, None


def _to_string(col: Column, x: _Input, from_text: bool) -> _Converted:
    s, arr, na = x.series, x.values, x.na
    none = np.zeros(len(s), dtype=bool)
    if arr is None and pdt.is_string_dtype(s.dtype):
        return s.array, none, s.array
    if arr is None or arr.dtype.kind != "O":
        if not from_text:
            return none, ~na, None
        # A CSV reader may have parsed a text column as numbers: take them back as text.
        arr = x.objects()
        strings = np.array([None if m else str(v) for v, m in zip(arr, na, strict=True)], dtype=object)
        return strings, none, strings
    if x.inferred in ("string", "empty"):
        bad = none
    else:
        is_str = _isinstance_mask(arr, (str,))
        if from_text:
            arr = arr.copy()
            convert = ~na & ~is_str
            arr[convert] = [str(v.item() if isinstance(v, np.generic) else v) for v in arr[convert]]
            bad = none
        else:
            bad = ~na & ~is_str
    strings = _fill(arr, na | bad, None)
    return strings, bad, strings


def _parse_datetimes(x: _Input) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Timestamps (tz-aware UTC when parsed from text) and the mask of unparseable rows."""
    s, arr, na = x.series, x.values, x.na
    none = np.zeros(len(s), dtype=bool)
    if arr is not None and arr.dtype.kind == "M":
        return pd.DatetimeIndex(arr), none
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return pd.DatetimeIndex(s.array), none
    if arr is not None and arr.dtype.kind != "O":  # numbers: epoch units would be a guess
        return pd.DatetimeIndex(np.full(len(s), np.datetime64("NaT", "ns"))), ~na
    objs = x.objects()  # text, Python/pandas datetimes and dates, Arrow dates
    inferred = x.inferred or pdt.infer_dtype(objs, skipna=True)
    if inferred in ("string", "datetime", "datetime64", "date", "empty"):
        wrong = none
    else:
        wrong = ~na & ~_isinstance_mask(objs, (str, datetime.date, np.datetime64))
    candidates = _fill(objs, na | wrong, None)
    # utc=True: offsets are honoured and naive text is read as UTC, so mixed input is consistent.
    parsed = pd.to_datetime(candidates, format="ISO8601", errors="coerce", utc=True)
    return parsed, wrong | (~na & parsed.isna())


def _to_datetime(col: Column, x: _Input, from_text: bool) -> _Converted:
    parsed, bad = _parse_datetimes(x)
    return parsed, bad, None


def _to_date(col: Column, x: _Input, from_text: bool) -> _Converted:
    parsed, bad = _parse_datetimes(x)
    # A date has no time of day: "2020-01-01T10:00" is a date-time, not a date.
    with_time = np.asarray(parsed != parsed.normalize())
    return parsed, bad | (~x.na & with_time), None


@functools.lru_cache(maxsize=256)
def _categories(levels: tuple, ordered: bool) -> tuple[pd.CategoricalDtype, dict]:
    # Building a CategoricalDtype costs tens of microseconds: once per schema, not per request.
    return pd.CategoricalDtype(list(levels), ordered=ordered), {v: i for i, v in enumerate(levels)}


# The Python types JSON values must have to match levels of each JSON type, and the matching
# infer_dtype results (Python's True == 1 would otherwise let JSON true match the level 1).
_LEVEL_TYPES = {
    "integer": ((numbers.Real,), (bool, np.bool_), ("integer", "floating", "mixed-integer-float")),
    "number": ((numbers.Real,), (bool, np.bool_), ("integer", "floating", "mixed-integer-float")),
    "boolean": ((bool, np.bool_), (), ("boolean",)),
    "string": ((str,), (), ("string",)),
}


def _to_category(col: Column, x: _Input, from_text: bool) -> _Converted:
    dtype, positions = _categories(col.levels or (), col.ordered)
    s, na = x.series, x.na
    if isinstance(s.dtype, pd.CategoricalDtype):  # recode the categories, not every row
        recode = np.fromiter((positions.get(c, -1) for c in s.cat.categories), dtype=np.int64)
        codes = np.append(recode, -1)[s.cat.codes.to_numpy()]  # code -1 (null) picks the -1
    else:
        text_extension = _is_text_extension(s.dtype)
        # Arrow-backed text is factorized as is (fast); everything else as Python objects.
        arr: Any = s.array if text_extension else x.objects()
        inferred = "string" if text_extension else x.inferred
        level_type = _level_type(col.levels or ())
        if from_text and level_type in ("integer", "number"):
            arr = pd.to_numeric(x.objects(), errors="coerce")
        elif from_text and level_type == "boolean":
            flags = _lookup(arr, _TEXT_BOOLS)
            arr = np.where(flags < 0, None, flags == 1)
        elif from_text and level_type == "string" and inferred not in ("string", "empty"):
            # Numbers a CSV reader parsed become their text again.
            arr = np.where(na | _isinstance_mask(arr, (str,)), arr, arr.astype(str))
        elif level_type in _LEVEL_TYPES and inferred not in (*_LEVEL_TYPES[level_type][2], "empty"):
            types, exclude, _ = _LEVEL_TYPES[level_type]
            arr = x.objects()
            arr = np.where(~na & ~_isinstance_mask(arr, types, exclude), None, arr)
        codes = _lookup(arr, positions)
    bad = ~na & (codes < 0)
    cat = pd.Categorical.from_codes(np.where(na | bad, -1, codes), dtype=dtype, validate=False)
    return cat, bad, None


def _to_any(col: Column, x: _Input, from_text: bool) -> _Converted:
    return (x.values if x.values is not None else x.series.array), None, None


_CONVERTERS: dict[str, Callable[[Column, _Input, bool], _Converted]] = {
    "integer": _to_integer,
    "number": _to_number,
    "boolean": _to_boolean,
    "string": _to_string,
    "category": _to_category,
    "datetime": _to_datetime,
    "date": _to_date,
    "any": _to_any,
}


# -- constraints --------------------------------------------------------------------------------

_BOUNDS: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "minimum": (">=", np.less),
    "maximum": ("<=", np.greater),
    "exclusiveMinimum": (">", np.less_equal),
    "exclusiveMaximum": ("<", np.greater_equal),
}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _constraint_issues(col: Column, values: Any, ok: np.ndarray) -> list[_Issue]:
    """Rows (among ``ok`` ones) that break the column's JSON Schema constraints."""
    c = col.constraints
    issues: list[_Issue] = []
    if col.kind in ("integer", "number"):
        for key, (op, fails) in _BOUNDS.items():
            if _is_number(c.get(key)):
                issues.append((ok & fails(values, c[key]), f"a number {op} {c[key]}", False))
        step = c.get("multipleOf")
        if _is_number(step) and step > 0:
            if values.dtype.kind in "iu" and isinstance(step, int):
                off = values % step != 0
            else:
                q = values / step
                off = ~np.isclose(q, np.round(q), rtol=0, atol=1e-9)
            issues.append((ok & off, f"a multiple of {step}", False))
    if col.kind == "string":
        strings = pd.Series(values, dtype=None if isinstance(values, np.ndarray) else values.dtype).str
        lengths = strings.len().to_numpy(dtype=np.float64, na_value=np.nan)
        if isinstance(c.get("minLength"), int):
            issues.append((ok & (lengths < c["minLength"]), f"a length >= {c['minLength']}", False))
        if isinstance(c.get("maxLength"), int):
            issues.append((ok & (lengths > c["maxLength"]), f"a length <= {c['maxLength']}", False))
        if isinstance(c.get("pattern"), str):
            # JSON Schema patterns are unanchored searches.
            found = strings.contains(re.compile(c["pattern"]), regex=True).to_numpy(dtype=bool, na_value=True)
            issues.append((ok & ~found, f"text matching {c['pattern']!r}", False))
    enum = c.get("enum")
    if isinstance(enum, list) and values is not None and col.kind != "category":
        allowed = pd.Series(values, copy=False).isin(enum).to_numpy(dtype=bool)
        issues.append((ok & ~allowed, f"one of {enum!r}", False))
    return issues


# -- final dtype --------------------------------------------------------------------------------

_NULLABLE_KINDS = {"i": "Int", "u": "UInt", "f": "Float"}


def _with_nulls(values: np.ndarray, na: np.ndarray) -> np.ndarray:
    out = values.astype(object)
    out[na] = None
    return out


def _cast(col: Column, values: Any, x: _Input) -> Any:
    """Canonical values -> an array of the column's exact dtype, with nulls where ``x.na``."""
    na = x.na
    has_na = bool(na.any())
    if col.kind in ("datetime", "date"):
        return _cast_datetimes(col, values, na)
    if col.kind == "category" and col.dtype in (None, "category"):
        return values
    if col.dtype is None:
        return values
    target = _dtype(col.dtype)
    if col.kind in ("any", "category"):
        same = getattr(values, "dtype", None) == target
        return values if same else pd.array(values).astype(target)
    if isinstance(target, np.dtype):
        if target.kind == "O":
            return _with_nulls(np.asarray(values), na) if has_na else np.asarray(values, dtype=object)
        if not has_na:
            return np.asarray(values).astype(target, copy=False)
        if target.kind == "f":
            return np.where(na, np.nan, values).astype(target, copy=False)
        # numpy ints and bools cannot hold a null: use the pandas nullable dtype of that kind.
        if target.kind == "b":
            target = pd.BooleanDtype()
        elif target.kind in _NULLABLE_KINDS:
            target = _dtype(f"{_NULLABLE_KINDS[target.kind]}{target.itemsize * 8}")
    if col.kind == "integer":
        masked: Any = pd.arrays.IntegerArray(values, na)
    elif col.kind == "number":
        masked = pd.arrays.FloatingArray(values, na)
    elif col.kind == "boolean":
        masked = pd.arrays.BooleanArray(values, na)
    else:  # strings: None becomes the dtype's missing value
        return values if getattr(values, "dtype", None) == target else pd.array(values, dtype=target)
    return masked if masked.dtype == target else masked.astype(target)


def _cast_datetimes(col: Column, parsed: pd.DatetimeIndex, na: np.ndarray) -> Any:
    default = "object" if col.kind == "date" else "datetime64[ns]"
    target = _dtype(col.dtype or default)
    if isinstance(target, pd.DatetimeTZDtype):
        aware = parsed if parsed.tz is not None else parsed.tz_localize("UTC")
        return aware.tz_convert(target.tz).astype(target).array
    naive = parsed.tz_convert("UTC").tz_localize(None) if parsed.tz is not None else parsed
    if isinstance(target, np.dtype) and target.kind == "O":
        objects = naive.date if col.kind == "date" else naive.astype(object).to_numpy()
        return _with_nulls(objects, na) if na.any() else objects.astype(object)
    if isinstance(target, np.dtype):
        return naive.astype(target).array
    return pd.array(naive).astype(target)
