"""The reference profile: a compact, deterministic summary of reference data, not the rows.

Per numeric column: bin edges at the reference's quantiles (fixed, so every later window is
binned the same way) with the reference's count per bin, a finer quantile sketch (for KS and
Wasserstein against a profile), min, max, mean, std, the null count and n. Per categorical column:
the most frequent levels with their counts and one "other" bucket for the rest. The model's
predictions on the reference are profiled the same way (role ``prediction``).

The same data always gives the same profile, and the same JSON bytes (sorted keys).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import MonitorError

FORMAT = "vetiver-reference-profile"
FORMAT_VERSION = 1
DEFAULT_BINS = 10
DEFAULT_QUANTILES = 100
DEFAULT_MAX_LEVELS = 20
OTHER = "__other__"


@dataclass(frozen=True)
class _Column:
    """What every column profile has: its name, role (``feature`` or ``prediction``), rows, nulls."""

    name: str
    role: str
    n: int
    nulls: int

    @property
    def null_rate(self) -> float:
        return self.nulls / self.n if self.n else 0.0


@dataclass(frozen=True)
class NumericProfile(_Column):
    """A numeric column: ``counts[i]`` reference values fall in bin ``i`` of ``edges``.

    Bin ``i`` is ``[edges[i-1], edges[i])``; the first and last bins are open-ended, so values
    outside the reference's range still land in a bin.
    """

    edges: tuple[float, ...]
    counts: tuple[int, ...]
    quantiles: tuple[float, ...]
    minimum: float
    maximum: float
    mean: float
    std: float
    kind: str = field(default="numeric", init=False)

    def bin(self, values: Any) -> Any:
        """Counts of ``values`` (non-null, finite) in this column's bins."""
        import numpy as np

        x = finite_values(values)
        return np.bincount(np.searchsorted(np.asarray(self.edges), x, side="right"), minlength=len(self.counts))


@dataclass(frozen=True)
class CategoricalProfile(_Column):
    """A categorical column: ``counts[i]`` of ``levels[i]``, the last level being the "other" bucket."""

    levels: tuple[str, ...]
    counts: tuple[int, ...]
    kind: str = field(default="categorical", init=False)

    def bin(self, values: Any) -> Any:
        """Counts of ``values`` (non-null, compared as strings) per level, unknown ones in "other"."""
        import numpy as np

        labels = level_values(values)
        position = {level: i for i, level in enumerate(self.levels[:-1])}
        other = len(self.levels) - 1
        codes = np.fromiter((position.get(v, other) for v in labels), dtype=np.int64, count=len(labels))
        return np.bincount(codes, minlength=len(self.levels))


ColumnProfile = NumericProfile | CategoricalProfile


@dataclass(frozen=True)
class ReferenceProfile:
    """Profiles of the reference's columns (features and predictions), with the model they describe."""

    n: int
    columns: Mapping[str, ColumnProfile]
    model_name: str | None = None
    model_version: str | None = None

    @property
    def features(self) -> list[str]:
        return [name for name, column in self.columns.items() if column.role == "feature"]

    @property
    def predictions(self) -> list[str]:
        return [name for name, column in self.columns.items() if column.role == "prediction"]

    def to_dict(self) -> dict[str, Any]:
        columns = [{**dataclasses.asdict(column), "kind": column.kind} for column in self.columns.values()]
        return {
            "format": FORMAT, "format_version": FORMAT_VERSION, "n": self.n,
            "model_name": self.model_name, "model_version": self.model_version, "columns": columns,
        }  # fmt: skip

    def to_json(self) -> str:
        """Deterministic JSON (sorted keys, no spaces)."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> ReferenceProfile:
        if document.get("format") != FORMAT:
            raise MonitorError("not a vetiver reference profile (no 'format: vetiver-reference-profile')")
        if int(document.get("format_version", 0)) > FORMAT_VERSION:
            raise MonitorError(
                f"reference profile format {document['format_version']} is newer than this vetiver reads "
                f"({FORMAT_VERSION}); upgrade vetiver-core"
            )
        columns: dict[str, ColumnProfile] = {}
        for entry in document["columns"]:
            entry = dict(entry)
            kind = entry.pop("kind", None)
            entry = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
            columns[entry["name"]] = NumericProfile(**entry) if kind == "numeric" else CategoricalProfile(**entry)
        return cls(n=int(document["n"]), columns=columns, model_name=document.get("model_name"),
                   model_version=document.get("model_version"))  # fmt: skip

    @classmethod
    def from_json(cls, text: str) -> ReferenceProfile:
        return cls.from_dict(json.loads(text))


def profile_frame(
    data: Any,
    predictions: Any = None,
    *,
    columns: Sequence[str] | None = None,
    n_bins: int = DEFAULT_BINS,
    n_quantiles: int = DEFAULT_QUANTILES,
    max_levels: int = DEFAULT_MAX_LEVELS,
    model_name: str | None = None,
    model_version: str | None = None,
) -> ReferenceProfile:
    """Profile reference ``data`` (and the model's ``predictions`` on it).

    Args:
        data: The reference rows (training or validation data), a DataFrame.
        predictions: The model's output on ``data`` (named as in prediction logs: ``prediction``,
            or ``prediction_<column>`` for several outputs), or None.
        columns: The columns to profile (default: all but datetime columns).
        n_bins: Bins per numeric column, at the reference's quantiles (fewer when values repeat).
        n_quantiles: Resolution of the quantile sketch used for KS and Wasserstein.
        max_levels: Levels kept per categorical column; the rest share the "other" bucket.
    """
    import pandas as pd

    from .outputs import prediction_columns

    if not isinstance(data, pd.DataFrame):
        raise MonitorError(f"reference data must be a pandas DataFrame, not {type(data).__name__}")
    if n_bins < 1 or n_quantiles < 1 or max_levels < 1:
        raise MonitorError("n_bins, n_quantiles and max_levels must be at least 1")
    names = list(columns) if columns is not None else [
        c for c in data.columns if not pd.api.types.is_datetime64_any_dtype(data[c].dtype)
    ]  # fmt: skip
    missing = [c for c in names if c not in data.columns]
    if missing:
        raise MonitorError(f"reference data has no column(s) {', '.join(map(repr, missing))}")
    profiled: dict[str, ColumnProfile] = {}
    for name in names:
        profiled[str(name)] = profile_column(str(name), data[name], "feature", n_bins, n_quantiles, max_levels)
    if predictions is not None:
        for name, values in prediction_columns(predictions, len(data)).items():
            profiled[name] = profile_column(name, pd.Series(values), "prediction", n_bins, n_quantiles, max_levels)
    return ReferenceProfile(n=len(data), columns=profiled, model_name=model_name, model_version=model_version)


def is_numeric(values: Any) -> bool:
    import pandas as pd

    dtype = getattr(values, "dtype", None)
    return dtype is not None and pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def profile_column(name: str, values: Any, role: str, n_bins: int, n_quantiles: int, max_levels: int) -> ColumnProfile:
    """One column's profile (numeric when its dtype is numeric and not boolean)."""
    import numpy as np
    import pandas as pd

    values = pd.Series(values)
    n = len(values)
    if is_numeric(values):
        x = np.sort(finite_values(values))  # sorted: sums, hence mean and std, do not depend on row order
        if len(x) == 0:
            raise MonitorError(f"reference column {name!r} has no finite values to profile")
        inner = np.quantile(x, np.arange(1, n_bins) / n_bins) if n_bins > 1 else np.array([])
        edges = np.unique(inner)
        counts = np.bincount(np.searchsorted(edges, x, side="right"), minlength=len(edges) + 1)
        quantiles = np.quantile(x, np.linspace(0, 1, n_quantiles + 1))
        return NumericProfile(
            name=name, role=role, n=n, nulls=n - len(x), edges=_floats(edges), counts=_ints(counts),
            quantiles=_floats(quantiles), minimum=float(x.min()), maximum=float(x.max()), mean=float(x.mean()),
            std=float(x.std(ddof=1)) if len(x) > 1 else 0.0,
        )  # fmt: skip
    labels = level_values(values)
    frequencies = pd.Series(labels, dtype=object).value_counts(sort=False)
    # Most frequent first, ties by level name, so the profile does not depend on row order.
    ordered = sorted(frequencies.items(), key=lambda item: (-item[1], item[0]))
    kept = ordered[:max_levels]
    other = sum(count for _, count in ordered[max_levels:])
    return CategoricalProfile(
        name=name, role=role, n=n, nulls=n - len(labels),
        levels=(*(str(level) for level, _ in kept), OTHER), counts=(*(int(c) for _, c in kept), int(other)),
    )  # fmt: skip


def finite_values(values: Any) -> Any:
    """Non-null, finite values as float64 (infinities count as missing)."""
    import numpy as np
    import pandas as pd

    x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return x[np.isfinite(x)]


def level_values(values: Any) -> list[str]:
    """Non-null values as strings (levels are compared as strings, as JSON stores them)."""
    import pandas as pd

    series = pd.Series(values)
    return [str(v) for v in series[series.notna()].tolist()]


def _floats(values: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in values if math.isfinite(float(v)))


def _ints(values: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in values)
