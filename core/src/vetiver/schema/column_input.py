"""One request column, inspected once: its numpy values, null mask and inferred type, shared by
the converters and the validator."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api import types as pdt


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
