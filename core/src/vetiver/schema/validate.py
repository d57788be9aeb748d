"""Vectorized validation of request data against a :class:`~vetiver.schema.types.TableSchema`.

vetiver-python 0.2.6 validated requests row by row with pydantic, which costs a Python object per
cell. Here each column is checked and converted with pandas/numpy operations; Python-level work per
row only happens on the error path, to describe at most ``_MAX_ROWS`` bad rows per column.

Rows in errors are 0-based positions in the request body (as 0.2.6's ``('body', 0, 'B')``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from ..errors import InvalidArgumentError, ModelInputError, PrototypeValidationError
from .column_input import _inspect
from .convert import _CONVERTERS, _cast

if TYPE_CHECKING:
    from .column_input import _Input
    from .types import Column, TableSchema

__all__ = ["PrototypeValidationError", "validate_frame"]

_MAX_ROWS = 20
#: Errors shown by ``str(PrototypeValidationError)``.


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
        raise InvalidArgumentError(f"extra must be 'ignore' or 'forbid', not {extra!r}")
    if not isinstance(frame, pd.DataFrame):
        raise ModelInputError(f"validate_frame needs a pandas DataFrame, not {type(frame).__name__}")
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
