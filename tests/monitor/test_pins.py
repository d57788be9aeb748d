"""Metrics pins (arrow, readable as vetiver R reads them) and reference profiles stored with the
model version, on real folder boards."""

from __future__ import annotations

import json

import pandas as pd
import pins
import pyarrow.feather as feather
import pytest
from sklearn import metrics as skm

import vetiver
from vetiver.monitor import MonitorError, ReferenceProfile, pin_reference_profile, read_reference_profile


def _metrics(days):
    data = pd.DataFrame({"date": pd.to_datetime(days), "y": [1.0] * len(days), "pred": [1.5] * len(days)})
    return vetiver.compute_metrics(data, "date", "day", [skm.mean_absolute_error], "y", "pred")


def test_metrics_pin_is_arrow_and_appends(board):
    first = vetiver.pin_metrics(board, _metrics(["2024-01-01", "2024-01-02"]), "cars-metrics")
    assert len(first) == 2
    meta = board.pin_meta("cars-metrics")
    assert meta.type == "arrow" and meta.file == "cars-metrics.arrow"
    # What R's pins::pin_read does for type arrow: arrow::read_feather on the file.
    path = board.construct_path([board.path_to_pin("cars-metrics"), meta.version.version, meta.file])
    table = feather.read_table(path)
    assert table.column_names == ["index", "n", "metric", "estimate"]
    assert str(table.schema.field("index").type).startswith("timestamp")
    combined = vetiver.pin_metrics(board, _metrics(["2024-01-03"]), "cars-metrics")
    assert combined["index"].dt.day.tolist() == [1, 2, 3]
    assert board.pin_read("cars-metrics").shape == (3, 4)
    assert len(board.pin_versions("cars-metrics")) == 2


def test_overlap_raises_unless_overwrite(board):
    vetiver.pin_metrics(board, _metrics(["2024-01-01", "2024-01-02"]), "m")
    with pytest.raises(ValueError, match="overlap"):
        vetiver.pin_metrics(board, _metrics(["2024-01-02"]), "m")
    replaced = _metrics(["2024-01-02"]).assign(estimate=9.0)
    out = vetiver.pin_metrics(board, replaced, "m", overwrite=True)
    assert out["estimate"].tolist() == [0.5, 9.0]


def test_existing_csv_pin_keeps_its_type(board):
    board.pin_write(_metrics(["2024-01-01"]), "csvm", type="csv")
    vetiver.pin_metrics(board, _metrics(["2024-01-02"]), "csvm")
    assert board.pin_meta("csvm").type == "csv"
    assert len(board.pin_read("csvm")) == 2


def test_reference_profile_is_pinned_with_the_model_version(board, fitted):
    model, train, _ = fitted
    v = vetiver.VetiverModel(model, "reg", prototype_data=train[["x1", "x2"]])
    meta = vetiver.vetiver_pin_write(board, v, reference_data=train)
    profile = read_reference_profile(board, "reg")
    assert isinstance(profile, ReferenceProfile)
    assert profile.model_version == meta.version.version and profile.n == len(train)
    assert profile.features == ["x1", "x2", "color"] and profile.predictions == ["prediction"]
    assert sum(profile.columns["x1"].counts) == len(train)
    # The model pin is unchanged: one joblib file, read by plain pins and by vetiver.
    assert board.pin_meta("reg").type == "joblib"
    assert vetiver.VetiverModel.from_pin(board, "reg").model_name == "reg"
    stored = board.pin_read("reg-reference-profile")
    assert "x1" in json.dumps(stored) and len(json.dumps(stored)) < 20_000  # compact: no rows


def test_pins_without_profile_work_and_one_can_be_added_later(board, fitted):
    from sklearn.linear_model import LinearRegression

    model, train, y = fitted
    v = vetiver.VetiverModel(model, "reg", prototype_data=train[["x1", "x2"]])
    first = vetiver.vetiver_pin_write(board, v).version.version
    assert read_reference_profile(board, "reg") is None
    retrained = LinearRegression().fit(train[["x1", "x2"]], y + 1)
    v2 = vetiver.VetiverModel(retrained, "reg", prototype_data=train[["x1", "x2"]])
    second = vetiver.vetiver_pin_write(board, v2).version.version
    # Add a profile to the first (older) version: the model is read back from the pin.
    pin_reference_profile(board, "reg", train, version=first)
    assert read_reference_profile(board, "reg", first).model_version == first
    assert read_reference_profile(board, "reg", second) is None


def test_profile_is_deterministic(board, fitted):
    from vetiver.monitor import profile_frame

    _, train, _ = fitted
    a = profile_frame(train).to_json()
    b = profile_frame(train.sample(frac=1.0, random_state=3)).to_json()  # row order does not matter
    assert a == b
    assert ReferenceProfile.from_json(a).to_json() == a


def test_reference_data_must_hold_the_model_inputs(board, fitted):
    model, train, _ = fitted
    v = vetiver.VetiverModel(model, "reg", prototype_data=train[["x1", "x2"]])
    with pytest.raises(MonitorError, match="input column"):
        vetiver.vetiver_pin_write(board, v, reference_data=train[["x1"]])


def test_profile_format_from_the_future_is_refused():
    with pytest.raises(MonitorError, match="newer"):
        ReferenceProfile.from_dict({"format": "vetiver-reference-profile", "format_version": 99, "n": 1, "columns": []})


def test_metrics_pin_readable_by_plain_pins_of_another_board_object(tmp_path):
    path = str(tmp_path / "b")
    vetiver.pin_metrics(pins.board_folder(path), _metrics(["2024-01-01"]), "m")
    assert pins.board_folder(path).pin_read("m")["metric"].tolist() == ["mean_absolute_error"]
