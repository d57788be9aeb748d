"""Model metrics over time: ``compute_metrics`` (0.2.6 name and columns)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..errors import MonitorError
from .windows import iter_windows

METRIC_COLUMNS = ["index", "n", "metric", "estimate"]
VERSION_COLUMN = "model_version"

Metric = Callable[..., Any]


def compute_metrics(
    data: Any,
    date_var: str,
    period: Any,
    metric_set: Metric | Sequence[Metric] | Mapping[str, Metric],
    truth: str,
    estimate: str | Sequence[str],
    *,
    group: str | Sequence[str] | None = None,
    model_version: str | None = None,
    **kw: Any,
) -> Any:
    """Compute metrics per time window: one row per window, group and metric.

    Args:
        data: A DataFrame with the dates, the true values and the model's estimates.
        date_var: The date column (datetimes, or strings pandas can parse).
        period: A window length (``timedelta``, ``"12h"``) or a calendar period (``"day"``,
            ``"week"``, ``"month"``, ``"quarter"``, ``"year"``).
        metric_set: Metric functions ``f(y_true, y_pred)`` such as scikit-learn's, a list of
            them, or a dict naming them. Probability metrics (``roc_auc_score``, ``log_loss``)
            take the probability column(s) as ``estimate``.
        truth: The column of true values.
        estimate: The column of estimates, or several columns (class probabilities), passed to
            the metric as a 2-D array.
        group: Column(s) to compute metrics per group of (disaggregated metrics); each becomes
            an output column.
        model_version: The model version the estimates come from, as a constant output column.
            When None and ``data`` has a ``model_version`` column (prediction logs do), metrics
            are computed per version and that column is kept.
        **kw: Passed to every metric function (0.2.6).

    Returns:
        A DataFrame with 0.2.6's columns ``index`` (the earliest date in the window), ``n`` (rows
        in it), ``metric`` (the function's name) and ``estimate`` (its value), then the group
        columns and ``model_version`` when known. Every row of ``data`` with a date is in exactly
        one window; windows without rows are left out.
    """
    import pandas as pd

    metrics = named_metrics(metric_set)
    estimates = [estimate] if isinstance(estimate, str) else list(estimate)
    groups = [group] if isinstance(group, str) else list(group or [])
    by_version = model_version is None and VERSION_COLUMN in data.columns and VERSION_COLUMN not in groups
    keys = [*groups, *([VERSION_COLUMN] if by_version else [])]
    needed = [date_var, truth, *estimates, *keys]
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise MonitorError(f"data has no column(s) {', '.join(map(repr, missing))}")

    rows: list[dict[str, Any]] = []
    for index, window in iter_windows(data[list(dict.fromkeys(needed))], date_var, period):
        parts = window.groupby(keys, sort=True, dropna=False) if keys else [((), window)]
        for key, part in parts:
            labels = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
            y_true = part[truth].to_numpy()
            y_est = part[estimates[0]].to_numpy() if len(estimates) == 1 else part[estimates].to_numpy()
            for name, metric in metrics.items():
                value = call_metric(metric, y_true, y_est, kw)
                rows.append({"index": index, "n": len(part), "metric": name, "estimate": value, **labels})
    columns = [*METRIC_COLUMNS, *keys]
    result = pd.DataFrame(rows, columns=columns)
    if model_version is not None:
        result[VERSION_COLUMN] = model_version
    result["n"] = result["n"].astype("int64")
    result["estimate"] = result["estimate"].astype("float64")
    return result


def named_metrics(metric_set: Metric | Sequence[Metric] | Mapping[str, Metric]) -> dict[str, Metric]:
    """``{name: function}``; a function's name is its ``__qualname__`` (0.2.6)."""
    if isinstance(metric_set, Mapping):
        items = dict(metric_set)
    elif callable(metric_set):
        items = {metric_name(metric_set): metric_set}
    else:
        items = {metric_name(m): m for m in metric_set}
    if not items:
        raise MonitorError("metric_set is empty; pass metric functions such as sklearn.metrics.mean_absolute_error")
    for name, metric in items.items():
        if not callable(metric):
            raise MonitorError(f"metric {name!r} is not callable: {metric!r}")
    return items


def metric_name(metric: Metric) -> str:
    if isinstance(metric, functools.partial):
        return metric_name(metric.func)
    return getattr(metric, "__qualname__", None) or getattr(metric, "__name__", None) or type(metric).__name__


def call_metric(metric: Metric, y_true: Any, y_est: Any, kw: Mapping[str, Any]) -> float:
    """Call a metric with the truth and the estimate as its first two arguments, as scikit-learn's
    take them (``roc_auc_score(y_true, y_score)``), or by keyword as 0.2.6 did when the function
    declares ``y_pred`` before ``y_true``."""
    try:
        names = list(inspect.signature(metric).parameters)
    except (TypeError, ValueError):  # builtins and some C functions have no signature
        names = []
    if "y_true" in names and "y_pred" in names and names.index("y_pred") < names.index("y_true"):
        value = metric(y_true=y_true, y_pred=y_est, **kw)
    else:
        value = metric(y_true, y_est, **kw)
    try:
        return float(value)
    except (TypeError, ValueError) as error:
        raise MonitorError(f"metric {metric_name(metric)!r} returned {value!r}, not a number") from error
