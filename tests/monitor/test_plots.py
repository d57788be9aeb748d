"""plotly figures: point size is mapped to n, facets are labelled, drift and group plots build."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn import metrics as skm

import vetiver
from vetiver.monitor import compute_drift, compute_group_metrics, plot_drift, plot_group_metrics, selection_rate

from .conftest import make_frame


def test_plot_metrics_maps_size_to_n():
    data = pd.DataFrame({"date": pd.to_datetime(["2024-01-01"] * 3 + ["2024-01-02"]), "y": [1.0, 2, 3, 4],
                         "pred": [1.0, 2, 2, 5]})  # fmt: skip
    metrics = vetiver.compute_metrics(data, "date", "day", [skm.mean_absolute_error, skm.r2_score], "y", "pred")
    fig = vetiver.plot_metrics(metrics)
    traces = [t for t in fig.data if t.name == "mean_absolute_error"]
    assert len(traces) == 1 and traces[0].mode == "lines+markers"
    assert list(traces[0].marker.size) == [3, 1]  # the markers' sizes are the windows' n
    texts = {a.text for a in fig.layout.annotations}
    assert texts == {"mean_absolute_error", "r2_score"}  # no "metric=" prefix


def test_drift_and_group_plots():
    table = compute_drift(make_frame(200, 1), make_frame(200, 2, shift=1.0))
    fig = plot_drift(table)
    assert {t.name for t in fig.data} <= {"no drift", "possible drift", "drift"} and "drift" in {
        t.name for t in fig.data
    }
    hires = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1, 0, 1, 0], "p": [1, 1, 1, 0]})
    fig = plot_group_metrics(compute_group_metrics(hires, "g", [selection_rate], "y", "p"))
    assert {t.name for t in fig.data} == {"flagged", "within rule"}
    assert np.isfinite(table["statistic"]).all()
