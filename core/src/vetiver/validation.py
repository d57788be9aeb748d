"""Vectorized validation of request data against a :class:`~vetiver.prototype.TableSchema`.

vetiver-python 0.2.6 validated requests row by row with pydantic, which costs a Python object per
cell. Here each column is checked and converted with pandas/numpy operations; Python-level work per
row only happens on the error path, to describe at most ``_MAX_ROWS`` bad rows per column.

Rows in errors are 0-based positions in the request body (as 0.2.6's ``('body', 0, 'B')``).
"""

from __future__ import annotations

import datetime
import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api import types as pdt

from vetiver.errors import VetiverError
from vetiver.prototype import Column, TableSchema

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
        raise PrototypeValidationError(
            [_error(None, None, "a JSON array of row objects", type(records).__name__)]
        )
    if set(map(type, records)) - {dict}:
        bad = [i for i, r in enumerate(records) if not isinstance(r, Mapping)]
        if bad:
            raise PrototypeValidationError(
                [_error(i, None, "an object of column values", _show(records[i]))
                 for i in bad[:_MAX_ROWS]]
            )  # fmt: skip
    if not records:
        return pd.DataFrame(index=pd.RangeIndex(0))
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
        raise PrototypeValidationError(
            [_error(None, c, "unique column names", "a duplicate") for c in dupes]
        )
    width = len(names)
    if set(map(type, data)) <= {list, tuple}:
        lengths = np.fromiter(map(len, data), dtype=np.int64, count=len(data))
        bad = np.flatnonzero(lengths != width)
    else:
        bad = np.array([i for i, r in enumerate(data) if not isinstance(r, (list, tuple))
                        or len(r) != width])  # fmt: skip
    if len(bad):
        raise PrototypeValidationError(
            [_error(int(i), None, f"an array of {width} values",
                    f"{len(data[i])} value{'' if len(data[i]) == 1 else 's'}" if isinstance(data[i], (list, tuple))
                    else _show(data[i]))
             for i in bad[:_MAX_ROWS]]
        )  # fmt: skip
    if not data:
        return pd.DataFrame({n: pd.Series([], dtype=object) for n in names}, columns=names)
    return pd.DataFrame(data, columns=names, dtype=object)


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
    carry real types (``"1"`` is not an integer); ``from_text=True`` is for CSV bodies, where
    every value arrives as text: numbers, booleans (true/false/True/False/1/0) and date-times are
    parsed, and empty strings are nulls for non-string columns.

    Raises :class:`PrototypeValidationError` listing missing/extra columns, an empty body, and
    per-row type, null, category and constraint violations.
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
    errors: list[dict] = []
    # Request keys are strings; frames built in Python may have other labels (0, 1, ...).
    positions: dict[str, list[int]] = {}
    for i, label in enumerate(frame.columns):
        positions.setdefault(str(label), []).append(i)
    for name in schema.names:
        if name not in positions:
            errors.append(_error(None, name, _describe(schema.columns[schema.names.index(name)]), "a missing column"))
        elif len(positions[name]) > 1:
            errors.append(_error(None, name, "one column of this name", "duplicate columns"))
    if extra == "forbid":
        known = set(schema.names)
        errors.extend(
            _error(None, name, "no column of this name", "an extra column")
            for name in positions
            if name not in known
        )
    if len(frame) == 0:
        errors.append(_error(None, None, "at least one row", "0 rows"))

    arrays = {}
    for col in schema.columns:
        if len(positions.get(col.name, ())) != 1 or len(frame) == 0:
            continue
        s = frame.iloc[:, positions[col.name][0]]
        if not isinstance(s.index, pd.RangeIndex) or s.index.start != 0 or s.index.step != 1:
            s = s.reset_index(drop=True)  # positions are the row numbers in errors
        result, issues = _check_column(col, s, from_text=from_text, strict=strict)
        errors.extend(_describe_issues(col.name, s, issues))
        if result is not None:
            # Series, not arrays: pandas 3 would re-infer "str" for object columns of strings.
            arrays[col.name] = result.set_axis(frame.index)
    if errors:
        return None, errors
    return pd.DataFrame(arrays, index=frame.index, columns=schema.names, copy=False), []


# An issue is (bad-row mask, expected description, whether the rows are nulls), or for errors
# about the whole column, (None, expected, received).
_Issue = tuple[Any, str, Any]


def _describe_issues(name: str, s: pd.Series, issues: list[_Issue]) -> list[dict]:
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
            received = "null" if detail is True else _show(s.iloc[row])
            shown.append((int(row), expected, received))
    shown.sort(key=lambda t: t[0])
    errors.extend(_error(row, name, exp, rec) for row, exp, rec in shown[:_MAX_ROWS])
    if total > _MAX_ROWS:
        more = total - _MAX_ROWS
        errors.append(_error(None, name, "valid values", f"{more} more invalid rows"))
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


def _check_column(
    col: Column, s: pd.Series, *, from_text: bool, strict: bool
) -> tuple[pd.Series | None, list[_Issue]]:
    """Convert one column; ``strict`` adds the null and constraint checks."""
    na = s.isna().to_numpy(dtype=bool)
    if from_text and col.kind != "string" and (pdt.is_object_dtype(s.dtype) or pdt.is_string_dtype(s.dtype)):
        # In CSV an empty field is a missing value.
        na = na | (s == "").to_numpy(dtype=bool, na_value=False)
    issues: list[_Issue] = []
    if strict and not col.nullable and na.any():
        issues.append((na, f"{_describe(col)} (not null)", True))
    converted, bad, checks = _CONVERTERS[col.kind](col, s, na, from_text)
    if bad is not None and bad.any():
        issues.append((bad, _describe(col), False))
    ok = ~na if bad is None else ~na & ~bad
    if strict and col.constraints and checks is not None:
        issues.extend(_constraint_issues(col, checks, ok))
    if any(mask is not None and mask.any() for mask, _, _ in issues):
        return None, issues
    try:
        result = _cast(col, converted, na)
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. out of range for the dtype
        return None, [*issues, (None, f"values convertible to {col.dtype}", str(exc))]
    return result, issues


# -- converters -------------------------------------------------------------------------------
#
# Each converter returns (converted Series in a canonical dtype, bad-row mask, values for the
# constraint checks). Values at null or bad rows are arbitrary; _cast puts the nulls back.

_Converted = tuple[pd.Series, np.ndarray | None, Any]


def _isinstance_mask(arr: np.ndarray, types: tuple, exclude: tuple = ()) -> np.ndarray:
    """Elementwise isinstance; a Python call per element, so only used off the happy path."""
    check = np.frompyfunc(lambda v: isinstance(v, types) and not isinstance(v, exclude), 1, 1)
    return check(arr).astype(bool)


def _object_values(s: pd.Series) -> np.ndarray:
    return s.to_numpy(dtype=object)


def _numbers(s: pd.Series, na: np.ndarray, from_text: bool) -> tuple[np.ndarray, np.ndarray]:
    """Numeric values (int64, uint64 or float64) and the mask of non-numeric rows."""
    dtype = s.dtype
    none = np.zeros(len(s), dtype=bool)
    if isinstance(dtype, pd.CategoricalDtype):
        return _numbers(s.astype(object), na, from_text)
    if pdt.is_bool_dtype(dtype):
        if from_text:  # a CSV reader may have parsed a 0/1 column as booleans
            return s.to_numpy(dtype=np.int64, na_value=0), none
        return np.zeros(len(s), dtype=np.int64), ~na
    if pdt.is_integer_dtype(dtype):
        target = np.uint64 if pdt.is_unsigned_integer_dtype(dtype) else np.int64
        return s.to_numpy(dtype=target, na_value=0), none
    if pdt.is_float_dtype(dtype):
        return s.to_numpy(dtype=np.float64, na_value=np.nan), none
    if not pdt.is_object_dtype(dtype) and not (from_text and pdt.is_string_dtype(dtype)):
        return np.zeros(len(s), dtype=np.int64), ~na  # strings in JSON, dates, ...
    arr = _object_values(s)
    if from_text or pdt.infer_dtype(arr, skipna=True) in ("integer", "floating", "mixed-integer-float"):
        bad = none
    else:
        bad = ~na & ~_isinstance_mask(arr, (numbers.Real,), (bool, np.bool_))
    clean = arr.copy()
    clean[na | bad] = 0
    parsed = pd.to_numeric(clean, errors="coerce")
    if pdt.is_object_dtype(parsed.dtype):  # integers beyond uint64
        parsed = parsed.astype(np.float64)
    if from_text:
        bad = ~na & np.isnan(parsed) if parsed.dtype.kind == "f" else none
    return parsed, bad


def _numpy_int(col: Column) -> np.dtype:
    """The numpy integer type behind the column's dtype (int64 for Int64, int64[pyarrow], ...)."""
    dtype = pdt.pandas_dtype(col.dtype or "int64")
    numpy_dtype = getattr(dtype, "numpy_dtype", dtype)
    return numpy_dtype if isinstance(numpy_dtype, np.dtype) and numpy_dtype.kind in "iu" else (
        np.dtype(np.int64)
    )


def _to_integer(col: Column, s: pd.Series, na: np.ndarray, from_text: bool) -> _Converted:
    values, bad = _numbers(s, na, from_text)
    ok = ~na & ~bad
    target = _numpy_int(col)
    info = np.iinfo(target)
    with np.errstate(invalid="ignore"):
        if values.dtype.kind == "f":
            # 1.0 is the integer 1 (JSON does not distinguish); 1.5, inf and nan are not integers.
            bad = bad | (ok & ~(np.isfinite(values) & (values == np.trunc(values))))
            out_of_range = (values < float(info.min)) | (values >= float(info.max) + 1.0)
        else:
            out_of_range = (values < info.min) | (values > info.max)
    bad = bad | (ok & out_of_range)
    ints = np.where(na | bad, 0, values).astype(target)
    return pd.Series(ints), bad, ints


def _to_number(col: Column, s: pd.Series, na: np.ndarray, from_text: bool) -> _Converted:
    values, bad = _numbers(s, na, from_text)
    floats = values.astype(np.float64)
    return pd.Series(floats), bad, floats


_TEXT_BOOLS = {"true": True, "True": True, "TRUE": True, "1": True,
               "false": False, "False": False, "FALSE": False, "0": False}  # fmt: skip


def _to_boolean(col: Column, s: pd.Series, na: np.ndarray, from_text: bool) -> _Converted:
    dtype = s.dtype
    none = np.zeros(len(s), dtype=bool)
    if pdt.is_bool_dtype(dtype):
        return pd.Series(s.to_numpy(dtype=bool, na_value=False)), none, None
    arr = _object_values(s)
    if from_text and (pdt.is_object_dtype(dtype) or pdt.is_string_dtype(dtype) or pdt.is_numeric_dtype(dtype)):
        # Python's True == 1, so the True/False keys also accept the numbers 1 and 0.
        mapped = pd.Series(arr).map({**_TEXT_BOOLS, True: True, False: False})
        bad = ~na & mapped.isna().to_numpy()
        return pd.Series(mapped.to_numpy(dtype=object, na_value=False).astype(bool)), bad, None
    if not pdt.is_object_dtype(dtype):
        return pd.Series(none), ~na, None
    if pdt.infer_dtype(arr, skipna=True) in ("boolean", "empty"):
        bad = none
    else:  # JSON 1/0 and "true" are not booleans
        bad = ~na & ~_isinstance_mask(arr, (bool, np.bool_))
    clean = arr.copy()
    clean[na | bad] = False
    return pd.Series(clean.astype(bool)), bad, None


def _to_string(col: Column, s: pd.Series, na: np.ndarray, from_text: bool) -> _Converted:
    dtype = s.dtype
    none = np.zeros(len(s), dtype=bool)
    if not pdt.is_object_dtype(dtype) and pdt.is_string_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        return s, none, s
    arr = _object_values(s)
    if pdt.is_object_dtype(dtype) and pdt.infer_dtype(arr, skipna=True) in ("string", "empty"):
        bad = none
    elif from_text:  # a CSV reader may have parsed a text column as numbers
        is_str = _isinstance_mask(arr, (str,))
        arr = arr.copy()
        convert = ~na & ~is_str
        arr[convert] = [str(_jsonable_scalar(v)) for v in arr[convert]]
        bad = none
    else:
        bad = ~na & ~_isinstance_mask(arr, (str,))
    clean = arr.copy()
    clean[na | bad] = None
    out = pd.Series(clean, dtype=object)
    return out, bad, out


def _jsonable_scalar(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _parse_datetimes(s: pd.Series, na: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """UTC-aware timestamps (naive input is taken as UTC) and the mask of unparseable rows."""
    dtype = s.dtype
    if pdt.is_datetime64_any_dtype(dtype):
        parsed = s if isinstance(dtype, pd.DatetimeTZDtype) else s.dt.tz_localize("UTC")
        return parsed.dt.tz_convert("UTC"), np.zeros(len(s), dtype=bool)
    if isinstance(dtype, pd.ArrowDtype) and pa.types.is_date(dtype.pyarrow_dtype):
        parsed = s.astype("datetime64[ns]").dt.tz_localize("UTC")
        return parsed, np.zeros(len(s), dtype=bool)
    if not pdt.is_object_dtype(dtype) and not pdt.is_string_dtype(dtype):
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]"), ~na
    arr = _object_values(s)
    accepted = ("string", "datetime", "datetime64", "date", "empty")
    if not pdt.is_object_dtype(dtype) or pdt.infer_dtype(arr, skipna=True) in accepted:
        candidates = arr
        wrong_type = np.zeros(len(s), dtype=bool)
    else:  # numbers are not date-times: epoch units would be a guess
        wrong_type = ~na & ~_isinstance_mask(arr, (str, datetime.date, np.datetime64))
        candidates = np.where(wrong_type, None, arr)
    parsed = pd.to_datetime(
        pd.Series(candidates, dtype=object), format="ISO8601", errors="coerce", utc=True
    )
    bad = wrong_type | (~na & parsed.isna().to_numpy())
    return parsed, bad


def _to_datetime(col: Column, s: pd.Series, na: np.ndarray, from_text: bool) -> _Converted:
    parsed, bad = _parse_datetimes(s, na)
    return parsed, bad, None


def _to_date(col: Column, s: pd.Series, na: np.ndarray, from_text: bool) -> _Converted:
    parsed, bad = _parse_datetimes(s, na)
    # A date has no time of day; "2020-01-01T10:00" is a date-time, not a date.
    with_time = (parsed != parsed.dt.normalize()).to_numpy(dtype=bool, na_value=False)
    return parsed, bad | (~na & with_time), None


_LEVEL_TYPES = {
    "integer": ((numbers.Real,), (bool, np.bool_), ("integer", "floating", "mixed-integer-float")),
    "number": ((numbers.Real,), (bool, np.bool_), ("integer", "floating", "mixed-integer-float")),
    "boolean": ((bool, np.bool_), (), ("boolean",)),
    "string": ((str,), (), ("string",)),
}


def _to_category(col: Column, s: pd.Series, na: np.ndarray, from_text: bool) -> _Converted:
    from vetiver.prototype import _level_type

    dtype = pd.CategoricalDtype(list(col.levels or ()), ordered=col.ordered)
    categories = dtype.categories
    none = np.zeros(len(s), dtype=bool)
    if isinstance(s.dtype, pd.CategoricalDtype):  # recode the few categories, not every row
        recode = categories.get_indexer(s.cat.categories)
        codes = s.cat.codes.to_numpy()
        codes = np.where(codes >= 0, recode[codes], -1)
    else:
        arr = _object_values(s)
        level_type = _level_type(tuple(col.levels or ()))
        if from_text and level_type in ("integer", "number"):
            arr = pd.to_numeric(np.where(na, None, arr), errors="coerce")
        elif from_text and level_type == "boolean":
            arr = pd.Series(arr).map({**_TEXT_BOOLS, True: True, False: False}).to_numpy()
        elif from_text and level_type == "string":
            arr = np.where(na | _isinstance_mask(arr, (str,)), arr, arr.astype(str))
        elif level_type in _LEVEL_TYPES:
            # Python's True == 1: keep JSON true out of integer levels and 1 out of boolean ones.
            types, exclude, inferred = _LEVEL_TYPES[level_type]
            if pdt.infer_dtype(arr, skipna=True) not in (*inferred, "empty"):
                wrong = ~na & ~_isinstance_mask(arr, types, exclude)
                arr = np.where(wrong, None, arr)
        codes = categories.get_indexer(arr)
    bad = ~na & (codes < 0)
    codes = np.where(na | bad, -1, codes)
    values = pd.Series(pd.Categorical.from_codes(codes, dtype=dtype))
    return values, bad if bad.any() else none, values


def _to_any(col: Column, s: pd.Series, na: np.ndarray, from_text: bool) -> _Converted:
    return s, None, None


_CONVERTERS: dict[str, Callable[[Column, pd.Series, np.ndarray, bool], _Converted]] = {
    "integer": _to_integer,
    "number": _to_number,
    "boolean": _to_boolean,
    "string": _to_string,
    "category": _to_category,
    "datetime": _to_datetime,
    "date": _to_date,
    "any": _to_any,
}


# -- constraints ------------------------------------------------------------------------------

_BOUNDS: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "minimum": (">=", np.less),
    "maximum": ("<=", np.greater),
    "exclusiveMinimum": (">", np.less_equal),
    "exclusiveMaximum": ("<", np.greater_equal),
}


def _constraint_issues(col: Column, values: Any, ok: np.ndarray) -> list[_Issue]:
    """Rows (among ``ok`` ones) that break the column's JSON Schema constraints."""
    c = col.constraints
    issues: list[_Issue] = []
    if col.kind in ("integer", "number"):
        for key, (op, fails) in _BOUNDS.items():
            if isinstance(c.get(key), (int, float)) and not isinstance(c[key], bool):
                issues.append((ok & fails(values, c[key]), f"a number {op} {c[key]}", False))
        step = c.get("multipleOf")
        if isinstance(step, (int, float)) and step:
            if values.dtype.kind in "iu" and isinstance(step, int):
                off = values % step != 0
            else:
                q = values / step
                off = ~np.isclose(q, np.round(q), rtol=0, atol=1e-9)
            issues.append((ok & off, f"a multiple of {step}", False))
    if col.kind == "string":
        strings = pd.Series(values, dtype=object).str
        lengths = strings.len().to_numpy(dtype=np.float64, na_value=np.nan)
        if isinstance(c.get("minLength"), int):
            issues.append((ok & (lengths < c["minLength"]), f"length >= {c['minLength']}", False))
        if isinstance(c.get("maxLength"), int):
            issues.append((ok & (lengths > c["maxLength"]), f"length <= {c['maxLength']}", False))
        if isinstance(c.get("pattern"), str):
            # JSON Schema patterns are unanchored searches.
            found = strings.contains(re.compile(c["pattern"]), regex=True, na=True)
            issues.append((ok & ~found.to_numpy(dtype=bool), f"text matching {c['pattern']!r}",
                           False))  # fmt: skip
    enum = c.get("enum")
    if isinstance(enum, list) and values is not None and col.kind != "category":
        allowed = pd.Series(values).isin(enum).to_numpy(dtype=bool)
        issues.append((ok & ~allowed, f"one of {enum!r}", False))
    return issues


# -- final dtype --------------------------------------------------------------------------------

_NULLABLE_NUMPY = {"i": "Int", "u": "UInt", "f": "Float"}


def _cast(col: Column, values: pd.Series, na: np.ndarray) -> pd.Series:
    """Convert canonical values to the column's exact dtype, with nulls where ``na``."""
    has_na = bool(na.any())
    if col.kind == "category" and col.dtype in (None, "category"):
        return values
    if col.kind in ("datetime", "date"):
        return _cast_datetimes(col, values, na)
    if col.dtype is None:
        return values
    target = pdt.pandas_dtype(col.dtype)
    if col.kind == "any":
        return values if values.dtype == target else values.astype(target)
    if pdt.is_object_dtype(target):
        out = values.astype(object)
        if has_na:
            out[na] = None
        return out
    if isinstance(target, np.dtype):
        if not has_na:
            return values.astype(target)
        if target.kind == "f":
            return pd.Series(np.where(na, np.nan, values.to_numpy(dtype=np.float64)), dtype=target)
        # numpy ints and bools cannot hold a null: use the pandas nullable dtype of that kind.
        if target.kind == "b":
            target = pd.BooleanDtype()
        elif target.kind in _NULLABLE_NUMPY:
            target = pdt.pandas_dtype(f"{_NULLABLE_NUMPY[target.kind]}{target.itemsize * 8}")
    if col.kind in ("integer", "number", "boolean"):
        numpy_values = values.to_numpy()
        if col.kind == "integer":  # numpy_values has the column's numpy integer type
            masked: Any = pd.arrays.IntegerArray(numpy_values, na)
        elif col.kind == "number":
            masked = pd.arrays.FloatingArray(numpy_values.astype(np.float64, copy=False), na)
        else:
            masked = pd.arrays.BooleanArray(numpy_values.astype(bool, copy=False), na)
        return pd.Series(masked).astype(target)
    return values.astype(target)  # strings: None becomes the dtype's missing value


def _cast_datetimes(col: Column, parsed: pd.Series, na: np.ndarray) -> pd.Series:
    target = pdt.pandas_dtype(col.dtype or ("object" if col.kind == "date" else "datetime64[ns]"))
    if isinstance(target, pd.DatetimeTZDtype):
        return parsed.dt.tz_convert(target.tz).astype(target)
    naive = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    if pdt.is_object_dtype(target):
        out = naive.dt.date if col.kind == "date" else naive.astype(object)
        out = out.astype(object)
        if na.any():
            out[na] = None
        return out
    return naive.astype(target)
