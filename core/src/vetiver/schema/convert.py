"""Column converters: request values of each kind to canonical numpy/pandas values and the
schema's exact dtype, with masks of the rows that do not convert.
"""

from __future__ import annotations

import datetime
import functools
import numbers
from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api import types as pdt

from .column_input import _Input
from .kinds import _level_type

if TYPE_CHECKING:
    from .types import Column

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
