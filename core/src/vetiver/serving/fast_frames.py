"""A per-schema decoder that turns valid JSON rows straight into the validated DataFrame.

:func:`vetiver.schema.validate.validate_frame` is thorough, but its fixed cost per column (pandas
operations on an object frame) is hundreds of microseconds, which dominates small requests. Most
requests to a model are plain and valid: every column present, non-null, of one JSON type. For
schemas whose columns are all non-nullable integers, numbers, booleans or strings without
constraints, :class:`FrameDecoder` checks those conditions per column with C-speed builtins
(``set(map(type, values))``) and builds the numpy columns directly. Anything it is not sure about
(a null, a float in an integer column, a missing key, an unsupported column kind) makes it return
None, and the caller falls back to ``validate_frame``, which accepts or rejects it with precise
errors. For what it accepts, the result equals ``validate_frame``'s (tests compare the two).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from ..schema.types import Column, TableSchema


@dataclass(frozen=True)
class _ColumnPlan:
    name: str
    allowed: frozenset[type]
    build: Callable[[list | tuple], Any]
    block_dtype: np.dtype | None = None  # set for numpy dtypes that can share a 2-D block


def _numeric(dtype: np.dtype) -> Callable[[list | tuple], np.ndarray]:
    def build(values: list | tuple) -> np.ndarray:
        return np.array(values, dtype=dtype)

    return build


def _string(dtype: Any) -> Callable[[list | tuple], pd.Series]:
    def build(values: list | tuple) -> pd.Series:
        return pd.Series(values, dtype=object).astype(dtype)

    return build


def _plan(col: Column) -> _ColumnPlan | None:
    """How to build one column, or None when only ``validate_frame`` can handle it."""
    if col.nullable or col.constraints or col.dtype is None:
        return None
    dtype = pdt.pandas_dtype(col.dtype)
    if col.kind == "integer" and isinstance(dtype, np.dtype) and dtype.kind in "iu":
        # JSON 1.0 is also the integer 1, but needs checking: such rows take the slow path.
        return _ColumnPlan(col.name, frozenset({int}), _numeric(dtype), dtype)
    if col.kind == "number" and isinstance(dtype, np.dtype) and dtype.kind == "f":
        return _ColumnPlan(col.name, frozenset({int, float}), _numeric(dtype), dtype)
    if col.kind == "boolean" and isinstance(dtype, np.dtype) and dtype.kind == "b":
        return _ColumnPlan(col.name, frozenset({bool}), _numeric(dtype), dtype)
    if col.kind == "string" and pdt.is_string_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        return _ColumnPlan(col.name, frozenset({str}), _string(dtype))
    return None


class FrameDecoder:
    """Decodes parsed JSON rows (``[{...}, ...]`` or ``{"columns": [...], "data": [...]}``) for
    one schema, returning None whenever :func:`~vetiver.schema.validate.validate_frame` must decide."""

    def __init__(self, schema: TableSchema, *, extra: str = "ignore") -> None:
        plans = [_plan(col) for col in schema.columns]
        self._plans: list[_ColumnPlan] | None = None if None in plans or not plans else plans  # type: ignore[assignment]
        self._names = schema.names
        self._index = pd.Index(self._names)
        self._forbid_extra = extra == "forbid"
        # itemgetter of one key returns the value itself, of several a tuple: keep rows as tuples.
        self._pick = itemgetter(*self._names) if len(self._names) > 1 else (lambda row: (row[self._names[0]],))
        # When every column has the same numeric dtype the frame is one 2-D block, built in one
        # numpy call: pandas builds that ~10x faster than a dict of columns.
        dtypes = {plan.block_dtype for plan in self._plans or ()}
        self._block_dtype = dtypes.pop() if len(dtypes) == 1 else None
        self._block_allowed = self._plans[0].allowed if self._plans and self._block_dtype is not None else None

    @property
    def enabled(self) -> bool:
        """Whether the schema allows the fast path at all."""
        return self._plans is not None

    def decode(self, payload: Any, *, as_array: bool = False) -> pd.DataFrame | np.ndarray | None:
        """The validated frame, or None to fall back to ``validate_frame``. With ``as_array``, a
        schema of one numeric dtype gives the 2-D array itself (columns in schema order), sparing
        the DataFrame for a handler that predicts on arrays."""
        if self._plans is None:
            return None
        if isinstance(payload, list):
            rows = self._rows_from_records(payload)
        elif isinstance(payload, dict):
            rows = self._rows_from_columnar(payload)
        else:
            return None
        if rows is None:
            return None
        if self._block_dtype is not None:
            return self._block_frame(rows, as_array)
        return self._column_frame(rows)

    def _rows_from_records(self, records: list) -> list[tuple] | None:
        if not records:
            return None
        try:
            rows = list(map(self._pick, records))
        except (KeyError, TypeError, IndexError):  # a missing column, or a row that is not an object
            return None
        if self._forbid_extra and set(map(len, records)) != {len(self._names)}:
            return None
        return rows

    def _rows_from_columnar(self, payload: dict) -> list | None:
        names, data = payload.get("columns"), payload.get("data")
        if not isinstance(names, list) or not isinstance(data, list) or not data:
            return None
        if len(set(names)) != len(names) or not set(map(type, names)) <= {str}:
            return None
        if self._forbid_extra and set(names) != set(self._names):
            return None
        if set(map(type, data)) != {list} or set(map(len, data)) != {len(names)}:
            return None
        if names == self._names:
            return data
        try:
            positions = [names.index(name) for name in self._names]
        except ValueError:  # a missing column
            return None
        if len(positions) == 1:
            return [(row[positions[0]],) for row in data]
        return list(map(itemgetter(*positions), data))

    def _block_frame(self, rows: list, as_array: bool = False) -> pd.DataFrame | np.ndarray | None:
        if not set(map(type, chain.from_iterable(rows))) <= self._block_allowed:
            return None
        width = len(self._names)
        try:
            flat = np.fromiter(chain.from_iterable(rows), dtype=self._block_dtype, count=len(rows) * width)
        except (OverflowError, ValueError):  # out of the dtype's range
            return None
        block = flat.reshape(len(rows), width)
        return block if as_array else pd.DataFrame(block, columns=self._index, copy=False)

    def _column_frame(self, rows: list) -> pd.DataFrame | None:
        arrays = {}
        for plan, values in zip(self._plans or (), zip(*rows, strict=True), strict=True):
            if not set(map(type, values)) <= plan.allowed:
                return None
            try:
                arrays[plan.name] = plan.build(values)
            except (OverflowError, ValueError):  # out of the dtype's range
                return None
        # A dict keeps the schema's column order; passing columns= as well would make pandas
        # reindex (several times slower).
        return pd.DataFrame(arrays, copy=False)
