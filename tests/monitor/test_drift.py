"""compute_drift: known answers (scipy, PSI by hand), synthetic shifts at fixed seeds, options."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial import distance

from vetiver.monitor import MonitorError, compute_drift, compute_drift_over_time, profile_frame
from vetiver.monitor.drift import DRIFT_COLUMNS
from vetiver.monitor.drift_stats import psi

from .conftest import make_frame


def _row(table, feature, method):
    rows = table[(table["feature"] == feature) & (table["method"] == method)]
    assert len(rows) == 1, table
    return rows.iloc[0]


def test_output_columns_and_dataset_row():
    table = compute_drift(make_frame(300, 1), make_frame(300, 2))
    assert list(table.columns) == DRIFT_COLUMNS
    assert set(table["verdict"]) <= {"no drift", "possible drift", "drift"}
    assert table.iloc[-1]["feature"] == "(dataset)" and table.iloc[-1]["threshold"] == 0.5
    assert set(table.loc[table["feature"] == "x1", "method"]) == {"psi", "ks"}
    assert set(table.loc[table["feature"] == "color", "method"]) == {"psi", "chi2"}


def test_statistics_equal_scipys_on_the_same_data():
    ref, cur = make_frame(400, 3), make_frame(350, 4, shift=0.3)
    table = compute_drift(ref, cur, methods=["ks", "wasserstein", "jensenshannon", "chi2", "psi"])
    ks = stats.ks_2samp(ref["x1"], cur["x1"])
    assert _row(table, "x1", "ks")["statistic"] == ks.statistic and _row(table, "x1", "ks")["p_value"] == ks.pvalue
    w = stats.wasserstein_distance(ref["x2"], cur["x2"]) / ref["x2"].std()
    assert _row(table, "x2", "wasserstein")["statistic"] == pytest.approx(w, rel=1e-12)
    levels = sorted(set(ref["color"]))
    counts = np.array([[(ref["color"] == v).sum() for v in levels], [(cur["color"] == v).sum() for v in levels]])
    chi = stats.chi2_contingency(counts, correction=False)
    assert _row(table, "color", "chi2")["statistic"] == pytest.approx(chi.statistic, rel=1e-12)
    assert _row(table, "color", "chi2")["p_value"] == pytest.approx(chi.pvalue, rel=1e-9)
    js = distance.jensenshannon(counts[0] / counts[0].sum(), counts[1] / counts[1].sum())
    assert _row(table, "color", "jensenshannon")["statistic"] == pytest.approx(js, rel=1e-12)


def test_psi_by_hand():
    # Reference: 25 each of 1, 2, 3, 4 -> quantile edges 1.75, 2.5, 3.25, one value per bin.
    ref = pd.DataFrame({"x": np.repeat([1.0, 2.0, 3.0, 4.0], 25)})
    cur = pd.DataFrame({"x": np.repeat([1.0, 2.0, 3.0, 4.0], [10, 20, 30, 40])})
    by_hand = sum((c - r) * math.log(c / r) for r, c in zip([0.25] * 4, [0.1, 0.2, 0.3, 0.4], strict=True))
    assert by_hand == pytest.approx(0.228217, abs=1e-6)
    row = _row(compute_drift(ref, cur, methods=["psi"], n_bins=4), "x", "psi")
    assert row["statistic"] == pytest.approx(by_hand, rel=1e-12)
    assert row["verdict"] == "possible drift"  # 0.1 <= PSI < 0.25


def test_empty_bins_give_finite_results():
    assert math.isfinite(psi([10, 0, 0, 0], [0, 0, 0, 10]))
    ref = pd.DataFrame({"x": np.arange(100.0), "c": ["a"] * 100})
    cur = pd.DataFrame({"x": np.full(50, 1e6), "c": ["b"] * 50})  # all beyond the reference, a new level
    table = compute_drift(ref, cur, methods=["psi", "jensenshannon", "ks", "chi2", "wasserstein"])
    assert np.isfinite(table["statistic"]).all()
    assert (table.loc[table["kind"] != "dataset", "verdict"] == "drift").all()


def test_known_shift_is_flagged_at_fixed_seeds():
    ref = make_frame(1000, seed=11)
    for seed in range(20, 25):
        table = compute_drift(ref, make_frame(1000, seed=seed, shift=0.5))
        assert _row(table, "x1", "ks")["verdict"] == "drift"
        assert _row(table, "x1", "psi")["verdict"] in {"possible drift", "drift"}
        assert _row(table, "color", "chi2")["verdict"] == "drift"
        assert table.iloc[-1]["verdict"] == "drift"  # x1, color (and psi on color) drift: 2 of 3


def test_unshifted_data_is_not_flagged_beyond_the_stated_false_alarm_rate():
    # Stated in docs/monitoring.md: a p-value test at 0.05 flags about 5% of unshifted columns;
    # PSI on 10 bins with 1000 rows a side stays near (bins - 1) * (1/n + 1/m) = 0.018.
    ref = make_frame(1000, seed=11)
    ks_alarms = chi_alarms = psi_max = dataset_alarms = 0
    runs = range(100, 160)
    for seed in runs:
        table = compute_drift(ref, make_frame(1000, seed=seed))
        ks_alarms += _row(table, "x1", "ks")["verdict"] == "drift"
        chi_alarms += _row(table, "color", "chi2")["verdict"] == "drift"
        psi_max = max(psi_max, table.loc[table["method"] == "psi", "statistic"].max())
        dataset_alarms += table.iloc[-1]["verdict"] == "drift"
    assert ks_alarms / len(runs) <= 0.1 and chi_alarms / len(runs) <= 0.1
    assert psi_max < 0.1
    assert dataset_alarms == 0


def test_profile_reference_matches_dataframe_reference():
    ref, cur = make_frame(2000, 5), make_frame(800, 6, shift=0.2)
    profile = profile_frame(ref)
    from_frame = compute_drift(ref, cur, methods=["psi", "ks", "chi2", "wasserstein"])
    from_profile = compute_drift(profile, cur, methods=["psi", "ks", "chi2", "wasserstein"])
    for feature, method, tolerance in [("x1", "psi", 1e-12), ("color", "chi2", 1e-12), ("x1", "ks", 0.011),
                                       ("x2", "ks", 0.011), ("x1", "wasserstein", 0.02)]:  # fmt: skip
        a, b = _row(from_frame, feature, method)["statistic"], _row(from_profile, feature, method)["statistic"]
        assert b == pytest.approx(a, abs=tolerance), (feature, method)


def test_per_column_thresholds_and_methods():
    ref, cur = make_frame(500, 7), make_frame(500, 8, shift=0.3)
    table = compute_drift(ref, cur, thresholds={"psi": (0.001, 0.002)}, column_thresholds={"x2": {"psi": 5.0}},
                          column_methods={"color": ["jensenshannon"]})  # fmt: skip
    assert _row(table, "x1", "psi")["threshold"] == 0.002 and _row(table, "x1", "psi")["verdict"] == "drift"
    assert _row(table, "x2", "psi")["threshold"] == 5.0 and _row(table, "x2", "psi")["verdict"] == "no drift"
    assert set(table.loc[table["feature"] == "color", "method"]) == {"jensenshannon"}
    assert compute_drift(ref, cur, drift_share=1.0).iloc[-1]["threshold"] == 1.0


def test_bad_input():
    with pytest.raises(MonitorError, match="unknown drift method"):
        compute_drift(make_frame(50, 1), make_frame(50, 2), methods=["magic"])
    with pytest.raises(MonitorError, match="share no column"):
        compute_drift(make_frame(50, 1), pd.DataFrame({"z": [1]}))
    with pytest.raises(MonitorError, match="not in both"):
        compute_drift(make_frame(50, 1), make_frame(50, 2), columns=["nope"])
    with pytest.raises(ValueError, match="DataFrame"):
        compute_drift([1, 2], make_frame(50, 2))


def test_drift_over_time_against_reference_and_previous_window():
    ref = make_frame(600, 9)
    days = [make_frame(200, 30 + i, shift=0.0 if i < 2 else 1.0).assign(time=pd.Timestamp("2024-03-01") + pd.Timedelta(days=i))
            for i in range(4)]  # fmt: skip
    days.insert(2, days[1].iloc[:0])  # an empty day is simply absent
    logged = pd.concat(days, ignore_index=True)
    table = compute_drift_over_time(profile_frame(ref), logged, "time", "day")
    assert list(table.columns[:3]) == ["index", "n", "baseline"]
    windows = table[(table["feature"] == "x1") & (table["method"] == "ks")]
    assert windows["baseline"].tolist() == ["reference", "reference", "previous", "reference", "previous",
                                            "reference", "previous"]  # fmt: skip
    verdicts = dict(
        zip(zip(windows["index"].dt.day, windows["baseline"], strict=True), windows["verdict"], strict=True)
    )
    assert verdicts[(1, "reference")] != "drift" and verdicts[(3, "reference")] == "drift"
    assert verdicts[(3, "previous")] == "drift" and verdicts[(4, "previous")] != "drift"
