"""Group metrics with differences, ratios and a disparity rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from vetiver.monitor import DisparityRule, MonitorError, compute_group_metrics, selection_rate


def _hiring():
    # Group a: 50 of 100 selected; b: 30 of 100 (ratio 0.6 < 0.8); c: 45 of 100 (0.9).
    pred = np.r_[np.repeat([1, 0], [50, 50]), np.repeat([1, 0], [30, 70]), np.repeat([1, 0], [45, 55])]
    return pd.DataFrame({"group": np.repeat(["a", "b", "c"], 100), "hired": pred, "pred": pred})


def test_four_fifths_rule_against_the_best_group():
    table = compute_group_metrics(_hiring(), "group", [selection_rate], "hired", "pred")
    assert list(table.columns) == [
        "group",
        "metric",
        "n",
        "estimate",
        "reference_group",
        "difference",
        "ratio",
        "flagged",
    ]
    assert table["estimate"].tolist() == [0.5, 0.3, 0.45]
    assert set(table["reference_group"]) == {"a"}
    assert table["ratio"].tolist() == pytest.approx([1.0, 0.6, 0.9])
    assert table["difference"].tolist() == pytest.approx([0.0, -0.2, -0.05])
    assert table["flagged"].tolist() == [False, True, False]


def test_reference_group_and_difference_rule():
    table = compute_group_metrics(_hiring(), "group", {"rate": selection_rate}, "hired", "pred", reference_group="c",
                                  rule=DisparityRule(min_ratio=None, max_difference=0.1))  # fmt: skip
    assert table["flagged"].tolist() == [False, True, False]  # b is 0.15 below c; a 0.05 above


def test_lower_is_better_metrics_take_the_lowest_group_as_best():
    data = pd.DataFrame({"g": ["x"] * 4 + ["y"] * 4, "y": [0.0] * 8, "p": [1, 1, 1, 1, 2, 2, 2, 2]})
    table = compute_group_metrics(data, "g", [skm.mean_absolute_error], "y", "p")
    assert table["reference_group"].tolist() == ["x", "x"]
    assert table["ratio"].tolist() == [1.0, 2.0] and table["flagged"].tolist() == [False, True]


def test_bad_reference_group():
    with pytest.raises(MonitorError, match="does not occur"):
        compute_group_metrics(_hiring(), "group", [selection_rate], "hired", "pred", reference_group="zzz")
