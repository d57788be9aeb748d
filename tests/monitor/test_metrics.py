"""compute_metrics: 0.2.6 columns and semantics, with 0.2.6's bugs fixed."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

import vetiver
from vetiver.monitor import MonitorError, compute_metrics


def _daily(n=3, start="2021-01-01"):
    return pd.DataFrame({"date": pd.date_range(start, periods=n, freq="D"), "y": np.arange(n, dtype=float),
                         "pred": np.arange(n, dtype=float) + 1})  # fmt: skip


def test_columns_and_names_are_0_2_6s():
    out = vetiver.compute_metrics(_daily(), "date", timedelta(days=1), [skm.mean_absolute_error], "y", "pred")
    assert list(out.columns) == ["index", "n", "metric", "estimate"]
    assert set(out["metric"]) == {"mean_absolute_error"}
    assert out["estimate"].tolist() == [1.0, 1.0, 1.0]


def test_every_observation_is_counted_once():
    # 0.2.6 gave 2 windows for 3 daily points with a 1-day period: the last point was dropped.
    data = _daily(3)
    out = compute_metrics(data, "date", timedelta(days=1), [skm.mean_absolute_error], "y", "pred")
    assert out["n"].sum() == len(data) and len(out) == 3
    out = compute_metrics(data, "date", timedelta(days=2), [skm.mean_absolute_error], "y", "pred")
    assert out["n"].tolist() == [2, 1]
    assert out["index"].tolist() == [pd.Timestamp("2021-01-01"), pd.Timestamp("2021-01-03")]


def test_empty_windows_are_skipped_not_raised():
    data = pd.concat([_daily(2, "2021-01-01"), _daily(2, "2021-01-10")], ignore_index=True)
    out = compute_metrics(data, "date", "day", [skm.mean_absolute_error], "y", "pred")
    assert out["n"].tolist() == [1, 1, 1, 1]
    out = compute_metrics(data, "date", timedelta(days=3), [skm.mean_absolute_error], "y", "pred")
    assert out["n"].tolist() == [2, 2]


def test_string_dates_are_parsed_on_any_pandas():
    data = _daily(4)
    data["date"] = data["date"].dt.strftime("%Y-%m-%d").astype("str")
    out = compute_metrics(data, "date", "day", [skm.mean_absolute_error], "y", "pred")
    assert out["index"].dtype.kind == "M" and out["n"].sum() == 4


def test_calendar_periods():
    dates = pd.to_datetime(["2024-01-01", "2024-01-07", "2024-01-08", "2024-01-31", "2024-02-01", "2024-04-02"])
    data = pd.DataFrame({"date": dates, "y": 1.0, "pred": 1.0})
    n = lambda period: compute_metrics(data, "date", period, [skm.mean_absolute_error], "y", "pred")["n"].tolist()  # noqa: E731
    assert n("week") == [2, 1, 2, 1]  # ISO weeks from Monday: 01-01 and 01-08 are Mondays; 01-31 and 02-01 share one
    assert n("month") == [4, 1, 1]
    assert n("quarter") == [5, 1]
    assert n("year") == [6]
    assert n("days") == [1, 1, 1, 1, 1, 1]


def test_classification_and_probability_metrics():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    proba = np.clip(y * 0.6 + rng.random(200) * 0.4, 0, 1)
    data = pd.DataFrame({"date": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(200), "h"), "y": y,
                         "pred": (proba > 0.5).astype(int), "p1": proba, "p0": 1 - proba})  # fmt: skip
    out = compute_metrics(data, "date", "week", [skm.accuracy_score, skm.f1_score], "y", "pred")
    assert set(out["metric"]) == {"accuracy_score", "f1_score"}
    first = data[data["date"] < "2024-01-08"]
    assert out.loc[out["metric"] == "accuracy_score", "estimate"].iloc[0] == pytest.approx(
        skm.accuracy_score(first["y"], first["pred"])
    )
    auc = compute_metrics(data, "date", "month", {"auc": skm.roc_auc_score}, "y", "p1")
    assert auc["estimate"].iloc[0] == pytest.approx(skm.roc_auc_score(y, proba))
    loss = compute_metrics(data, "date", "month", [skm.log_loss], "y", ["p0", "p1"])
    assert loss["estimate"].iloc[0] == pytest.approx(skm.log_loss(y, np.c_[1 - proba, proba]))


def test_group_column_and_model_version():
    data = _daily(4).assign(region=["a", "b", "a", "b"])
    out = compute_metrics(data, "date", timedelta(days=2), [skm.mean_absolute_error], "y", "pred", group="region",
                          model_version="20240101T000000Z-abcde")  # fmt: skip
    assert list(out.columns) == ["index", "n", "metric", "estimate", "region", "model_version"]
    assert out["region"].tolist() == ["a", "b", "a", "b"] and out["n"].tolist() == [1, 1, 1, 1]
    logged = data.assign(model_version=["v1", "v1", "v2", "v2"])
    out = compute_metrics(logged, "date", "month", [skm.mean_absolute_error], "y", "pred")
    assert out["model_version"].tolist() == ["v1", "v2"] and out["n"].tolist() == [2, 2]


def test_kw_reach_the_metric_and_0_2_6_keyword_call():
    seen = {}

    def weighted(y_pred, y_true, scale=1.0):  # keywords, in 0.2.6's order
        seen["scale"] = scale
        return float(np.mean(y_pred - y_true)) * scale

    out = compute_metrics(_daily(2), "date", "day", [weighted], "y", "pred", scale=2.0)
    assert out["estimate"].tolist() == [2.0, 2.0] and seen["scale"] == 2.0


def test_bad_input_is_a_clear_error():
    with pytest.raises(MonitorError, match="no column"):
        compute_metrics(_daily(), "when", "day", [skm.mean_absolute_error], "y", "pred")
    with pytest.raises(ValueError, match="period"):
        compute_metrics(_daily(), "date", "fortnight", [skm.mean_absolute_error], "y", "pred")
    with pytest.raises(MonitorError, match="cannot be read as dates"):
        compute_metrics(_daily().assign(date="not a date"), "date", "day", [skm.mean_absolute_error], "y", "pred")


def test_rolling_df_yields_every_row_once():
    frames = list(vetiver._rolling_df(_daily(3), timedelta(days=1), "date"))
    assert [len(f) for f in frames] == [1, 1, 1]
