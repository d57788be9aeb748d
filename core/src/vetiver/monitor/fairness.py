"""Fairness: metrics per group, their gap to a reference group, and a disparity rule."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import MonitorError
from .metrics import Metric, call_metric, named_metrics

GROUP_METRIC_COLUMNS = ["group", "metric", "n", "estimate", "reference_group", "difference", "ratio", "flagged"]
# Metric names containing one of these are "lower is better" (errors and losses).
_LOWER_IS_BETTER_WORDS = ("error", "loss", "deviance")


@dataclass(frozen=True)
class DisparityRule:
    """When a group's metric is too far from the reference group's.

    A group is flagged when ``ratio < min_ratio`` or ``ratio > 1 / min_ratio`` (with the default
    0.8 this is the four-fifths rule of US employment guidance, read both ways), or when
    ``|difference| > max_difference``. Either bound may be None.
    """

    min_ratio: float | None = 0.8
    max_difference: float | None = None

    def flags(self, ratio: float, difference: float) -> bool:
        import math

        by_ratio = self.min_ratio is not None and math.isfinite(ratio) and (
            ratio < self.min_ratio or ratio > 1 / self.min_ratio
        )  # fmt: skip
        by_difference = self.max_difference is not None and abs(difference) > self.max_difference
        return bool(by_ratio or by_difference)


FOUR_FIFTHS = DisparityRule(min_ratio=0.8)


def selection_rate(y_true: Any, y_pred: Any, positive: Any = 1) -> float:
    """The share of predictions equal to ``positive`` (what the four-fifths rule compares)."""
    import numpy as np

    predictions = np.asarray(y_pred)
    return float(np.mean(predictions == positive)) if len(predictions) else float("nan")


def compute_group_metrics(
    data: Any,
    group: str,
    metric_set: Metric | Sequence[Metric] | Mapping[str, Metric],
    truth: str,
    estimate: str | Sequence[str],
    *,
    reference_group: Any = None,
    rule: DisparityRule = FOUR_FIFTHS,
    lower_is_better: Collection[str] = (),
    **kw: Any,
) -> Any:
    """Each metric per group, compared with a reference group.

    Args:
        data: A DataFrame with the group, truth and estimate columns.
        group: The column whose values are the groups (e.g. a protected attribute).
        metric_set, truth, estimate, **kw: As :func:`compute_metrics`.
        reference_group: The group others are compared with; None takes the best group per
            metric (the highest value, or the lowest for metrics that are lower-is-better).
        rule: The :class:`DisparityRule` that sets ``flagged``; default the four-fifths rule.
        lower_is_better: Names of metrics for which smaller is better; names containing
            "error", "loss" or "deviance" are taken as such without being listed.

    Returns:
        A DataFrame: ``group, metric, n, estimate, reference_group, difference`` (group minus
        reference) ``, ratio`` (group over reference) ``, flagged``.
    """
    import pandas as pd

    metrics = named_metrics(metric_set)
    estimates = [estimate] if isinstance(estimate, str) else list(estimate)
    missing = [c for c in [group, truth, *estimates] if c not in data.columns]
    if missing:
        raise MonitorError(f"data has no column(s) {', '.join(map(repr, missing))}")
    if reference_group is not None and not (data[group] == reference_group).any():
        raise MonitorError(f"reference_group {reference_group!r} does not occur in column {group!r}")

    values: list[dict[str, Any]] = []
    for key, part in data.groupby(group, sort=True):
        y_est = part[estimates[0]].to_numpy() if len(estimates) == 1 else part[estimates].to_numpy()
        for name, metric in metrics.items():
            values.append({"group": key, "metric": name, "n": len(part),
                           "estimate": call_metric(metric, part[truth].to_numpy(), y_est, kw)})  # fmt: skip
    table = pd.DataFrame(values, columns=["group", "metric", "n", "estimate"])
    rows = []
    for name, part in table.groupby("metric", sort=False):
        lower = name in lower_is_better or any(word in name.lower() for word in _LOWER_IS_BETTER_WORDS)
        if reference_group is None:
            best = part["estimate"].idxmin() if lower else part["estimate"].idxmax()
            ref_group, ref_value = part.loc[best, "group"], part.loc[best, "estimate"]
        else:
            ref_group = reference_group
            ref_value = part.loc[part["group"] == reference_group, "estimate"].iloc[0]
        for row in part.itertuples(index=False):
            difference = row.estimate - ref_value
            ratio = row.estimate / ref_value if ref_value else float("nan")
            rows.append({**row._asdict(), "reference_group": ref_group, "difference": difference,
                         "ratio": ratio, "flagged": rule.flags(ratio, difference)})  # fmt: skip
    return pd.DataFrame(rows, columns=GROUP_METRIC_COLUMNS)
