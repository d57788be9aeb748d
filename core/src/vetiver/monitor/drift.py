"""Data and prediction drift against the reference: ``compute_drift`` and its defaults.

One row per column and method, every choice visible in the row (``feature, kind, method,
statistic, p_value, threshold, verdict, n_reference, n_current``), and a last row, kind
``dataset``, saying whether the share of drifting columns reaches ``drift_share``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import MonitorError
from . import drift_stats
from .profile import ColumnProfile, NumericProfile, ReferenceProfile, finite_values, profile_frame

DRIFT_COLUMNS = [
    "feature",
    "kind",
    "method",
    "statistic",
    "p_value",
    "threshold",
    "verdict",
    "n_reference",
    "n_current",
]
NO_DRIFT, POSSIBLE_DRIFT, DRIFT = "no drift", "possible drift", "drift"
DATASET = "(dataset)"
DEFAULT_DRIFT_SHARE = 0.5


@dataclass(frozen=True)
class Threshold:
    """Verdict bands of one method: ``possible`` and ``drift`` bounds on its statistic.

    For p-value tests (``p_value=True``) smaller is worse: p < drift is drift, p < possible is
    possible drift. For distances larger is worse: >= drift is drift, >= possible is possible drift.
    """

    possible: float
    drift: float
    p_value: bool = False

    def verdict(self, value: float) -> str:
        if self.p_value:
            return DRIFT if value < self.drift else POSSIBLE_DRIFT if value < self.possible else NO_DRIFT
        return DRIFT if value >= self.drift else POSSIBLE_DRIFT if value >= self.possible else NO_DRIFT


# The defaults table of docs/monitoring.md; tests/monitor/test_docs_monitoring.py checks they agree.
DEFAULT_THRESHOLDS: dict[str, Threshold] = {
    "psi": Threshold(0.1, 0.25),  # the scorecard rule of thumb
    "ks": Threshold(0.15, 0.05, p_value=True),  # whylogs' bands on the p-value
    "chi2": Threshold(0.15, 0.05, p_value=True),
    "wasserstein": Threshold(0.05, 0.1),  # evidently drifts at 0.1 (normed by the reference std)
    "jensenshannon": Threshold(0.05, 0.1),  # evidently drifts at 0.1
}
NUMERIC_METHODS = ("psi", "ks", "wasserstein", "jensenshannon")
CATEGORICAL_METHODS = ("psi", "chi2", "jensenshannon")
DEFAULT_METHODS = {"numeric": ("psi", "ks"), "categorical": ("psi", "chi2")}


def compute_drift(
    reference: ReferenceProfile | Any,
    current: Any,
    *,
    columns: Sequence[str] | None = None,
    methods: Sequence[str] | None = None,
    column_methods: Mapping[str, Sequence[str]] | None = None,
    thresholds: Mapping[str, float | tuple[float, float]] | None = None,
    column_thresholds: Mapping[str, Mapping[str, float | tuple[float, float]]] | None = None,
    drift_share: float = DEFAULT_DRIFT_SHARE,
    bins: ReferenceProfile | None = None,
    **profile_options: Any,
) -> Any:
    """Compare ``current`` data with the ``reference``, per column (features and predictions).

    Args:
        reference: A :class:`ReferenceProfile` (as pinned with the model) or a DataFrame.
        current: A DataFrame (logged predictions, a new batch); columns it lacks are skipped.
        columns: Only these columns (each must be in both).
        methods: Methods for every column, from ``psi``, ``ks``, ``chi2``, ``wasserstein``,
            ``jensenshannon``; methods that do not apply to a column's kind are skipped.
            Default: ``psi`` and ``ks`` for numeric columns, ``psi`` and ``chi2`` for categorical.
        column_methods: Methods for particular columns, overriding ``methods``.
        thresholds: ``{method: drift}`` or ``{method: (possible, drift)}`` for every column.
        column_thresholds: ``{column: {method: ...}}`` overriding ``thresholds``.
        drift_share: The dataset drifts when at least this share of columns has a ``drift`` verdict.
        bins: Bin columns as this profile does (default: the reference's own bins). Comparing two
            windows with the pinned reference's bins keeps them comparable with it.
        **profile_options: ``n_bins``, ``n_quantiles``, ``max_levels`` when ``reference`` is a
            DataFrame.

    Returns:
        A DataFrame with one row per column and method, then the ``(dataset)`` row. PSI and
        chi-square use the fixed bins; KS and Wasserstein use the raw reference values when the
        reference is a DataFrame (equal to scipy's), its quantile sketch when it is a profile.
    """
    import pandas as pd

    if not 0 < drift_share <= 1:
        raise MonitorError(f"drift_share must be in (0, 1], not {drift_share!r}")
    raw = None if isinstance(reference, ReferenceProfile) else _frame(reference, "reference")
    current = _frame(current, "current")
    template = bins or (reference if raw is None else profile_frame(raw, columns=_present(raw, columns),
                                                                  **profile_options))  # fmt: skip
    wanted = list(template.columns) if columns is None else list(columns)
    absent = [c for c in wanted if c not in template.columns or c not in current.columns]
    if columns is not None and absent:
        raise MonitorError(
            f"column(s) {', '.join(map(repr, absent))} are not in both the reference and the current data"
        )
    wanted = [c for c in wanted if c not in absent]
    if not wanted:
        raise MonitorError("the reference and the current data share no column to compare")

    rows: list[dict[str, Any]] = []
    for name in wanted:
        column = template.columns[name]
        for method in _methods_for(column, methods, column_methods):
            threshold = _threshold(name, method, thresholds, column_thresholds)
            row = _compare(column, method, current[name], None if raw is None else raw[name])
            if row is None:
                continue  # no current values in this column
            value = row["p_value"] if threshold.p_value else row["statistic"]
            row.update(threshold=threshold.drift, verdict=threshold.verdict(value))
            rows.append(row)
    table = pd.DataFrame(rows, columns=DRIFT_COLUMNS)
    return pd.concat([table, pd.DataFrame([_dataset_row(table, drift_share, raw, template, current)])],
                     ignore_index=True)  # fmt: skip


def _frame(data: Any, what: str) -> Any:
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise MonitorError(
            f"{what} data must be a pandas DataFrame (or the reference a profile), not {type(data).__name__}"
        )
    return data


def _present(frame: Any, columns: Sequence[str] | None) -> list[str] | None:
    if columns is None:
        return None
    return [c for c in columns if c in frame.columns]


def _methods_for(column: ColumnProfile, methods: Sequence[str] | None,
                 column_methods: Mapping[str, Sequence[str]] | None) -> list[str]:  # fmt: skip
    chosen = (column_methods or {}).get(column.name, methods)
    applicable = NUMERIC_METHODS if column.kind == "numeric" else CATEGORICAL_METHODS
    if chosen is None:
        return list(DEFAULT_METHODS[column.kind])
    unknown = [m for m in chosen if m not in DEFAULT_THRESHOLDS]
    if unknown:
        raise MonitorError(
            f"unknown drift method(s) {', '.join(map(repr, unknown))}; choose from {', '.join(DEFAULT_THRESHOLDS)}"
        )
    return [m for m in chosen if m in applicable]


def _threshold(column: str, method: str, thresholds: Mapping[str, Any] | None,
               column_thresholds: Mapping[str, Mapping[str, Any]] | None) -> Threshold:  # fmt: skip
    default = DEFAULT_THRESHOLDS[method]
    given = ((column_thresholds or {}).get(column) or {}).get(method, (thresholds or {}).get(method))
    if given is None:
        return default
    if isinstance(given, Threshold):
        return given
    possible, drift = (given, given) if isinstance(given, int | float) else tuple(given)
    return Threshold(float(possible), float(drift), p_value=default.p_value)


def _compare(column: ColumnProfile, method: str, current: Any, reference: Any | None) -> dict[str, Any] | None:
    import numpy as np

    current_counts = column.bin(current)
    reference_counts = np.asarray(column.counts) if reference is None else column.bin(reference)
    n_current, n_reference = int(current_counts.sum()), int(reference_counts.sum())
    if n_current == 0 or n_reference == 0:
        return None
    p_value = float("nan")
    if method == "psi":
        statistic = drift_stats.psi(reference_counts, current_counts)
    elif method == "jensenshannon":
        statistic = drift_stats.jensen_shannon(reference_counts, current_counts)
    elif method == "chi2":
        statistic, p_value = drift_stats.chi_square(reference_counts, current_counts)
    else:
        # ks and wasserstein: _methods chooses them for numeric columns only.
        if not isinstance(column, NumericProfile):
            raise MonitorError(f"{method} applies to numeric columns only, not to {column.name!r}")
        values = finite_values(current)
        if reference is None:
            if method == "ks":
                statistic, p_value = drift_stats.ks_from_quantiles(column.quantiles, n_reference, values)
            else:
                statistic = drift_stats.wasserstein_from_quantiles(column.quantiles, values, column.std)
        else:
            ref_values = finite_values(reference)
            if method == "ks":
                statistic, p_value = drift_stats.ks(ref_values, values)
            else:
                std = float(ref_values.std(ddof=1)) if len(ref_values) > 1 else 0.0
                statistic = drift_stats.wasserstein_normed(ref_values, values, std)
    return {"feature": column.name, "kind": column.kind, "method": method, "statistic": statistic,
            "p_value": p_value, "n_reference": n_reference, "n_current": n_current}  # fmt: skip


def _dataset_row(table: Any, drift_share: float, raw: Any, template: ReferenceProfile, current: Any) -> dict[str, Any]:
    features = table["feature"].unique()
    drifting = table.loc[table["verdict"] == DRIFT, "feature"].nunique()
    share = drifting / len(features) if len(features) else 0.0
    return {
        "feature": DATASET, "kind": "dataset", "method": "drift_share", "statistic": share,
        "p_value": float("nan"), "threshold": drift_share, "verdict": DRIFT if share >= drift_share else NO_DRIFT,
        "n_reference": len(raw) if raw is not None else template.n, "n_current": len(current),
    }  # fmt: skip


def compute_drift_over_time(
    reference: ReferenceProfile | Any,
    data: Any,
    date_var: str,
    period: Any,
    *,
    against: Sequence[str] = ("reference", "previous"),
    **drift_options: Any,
) -> Any:
    """Drift per time window of ``data`` (logged predictions), against the reference and/or
    against the previous window, binned on the reference's fixed bins throughout.

    Returns :func:`compute_drift`'s columns preceded by ``index`` (the window's earliest date),
    ``n`` (its rows) and ``baseline`` (``reference`` or ``previous``; the first window has no
    previous one). Windows without rows are left out.
    """
    import pandas as pd

    from .windows import iter_windows

    unknown = [a for a in against if a not in ("reference", "previous")]
    if unknown or not against:
        raise MonitorError(f"against must name 'reference' and/or 'previous', not {list(against)!r}")
    options = {k: v for k, v in drift_options.items() if k in ("n_bins", "n_quantiles", "max_levels")}
    if isinstance(reference, ReferenceProfile):
        template = reference
    else:
        reference = _frame(reference, "reference")
        template = profile_frame(reference, columns=_present(reference, drift_options.get("columns")), **options)
    drift_options = {k: v for k, v in drift_options.items() if k not in options}
    tables = []
    previous = None
    for index, window in iter_windows(data, date_var, period):
        for baseline in against:
            base = reference if baseline == "reference" else previous
            if base is None:
                continue
            table = compute_drift(base, window, bins=template, **drift_options)
            table.insert(0, "baseline", baseline)
            table.insert(0, "n", len(window))
            table.insert(0, "index", index)
            tables.append(table)
        previous = window
    if not tables:
        return pd.DataFrame(columns=["index", "n", "baseline", *DRIFT_COLUMNS])
    return pd.concat(tables, ignore_index=True)
