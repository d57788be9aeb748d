"""The xgboost plugin: DMatrix building, prediction types, the UBJSON format, 0.2.6 pins."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pins
import pytest
import xgboost

from vetiver import VetiverAPI, VetiverModel, vetiver_pin_write
from vetiver.errors import PickleConsentError
from vetiver.testing import post_in_process
from vetiver_xgboost.handler import XGBoostHandler


def test_dmatrix_follows_the_model_feature_order_and_keeps_names(booster, frame):
    handler = XGBoostHandler(booster, frame.head(2))
    shuffled = frame[["gamma", "alpha", "beta"]].head(5)
    matrix = handler.dmatrix(shuffled)
    assert matrix.feature_names == ["alpha", "beta", "gamma"]
    assert handler.handler_predict(shuffled) == booster.predict(xgboost.DMatrix(frame.head(5))).tolist()


def test_a_booster_without_names_gets_the_prototype_column_order(frame):
    label = (frame.alpha > 0).astype(int)
    unnamed = xgboost.train({"max_depth": 2, "nthread": 1}, xgboost.DMatrix(frame.to_numpy(), label=label), 5)
    assert unnamed.feature_names is None
    handler = XGBoostHandler(unnamed, frame.head(2))
    request = frame[["beta", "gamma", "alpha"]].head(4)
    assert handler.dmatrix(request).feature_names == ["alpha", "beta", "gamma"]
    assert handler.handler_predict(request) == unnamed.predict(xgboost.DMatrix(frame.head(4).to_numpy())).tolist()


def test_prediction_types_are_margins_and_contributions(booster, frame):
    handler = XGBoostHandler(booster, frame.head(2))
    rows = frame.head(6)
    margin = handler.handler_predict(rows, prediction_type="predict_margin")
    contributions = np.asarray(handler.handler_predict(rows, prediction_type="predict_contribs"))
    assert margin == booster.predict(xgboost.DMatrix(rows), output_margin=True).tolist()
    assert contributions.shape == (6, 4)  # one per feature, then the bias
    assert np.allclose(contributions.sum(axis=1), margin, atol=1e-5)
    # predict is the logistic transform of the margin
    assert np.allclose(handler.handler_predict(rows), 1 / (1 + np.exp(-np.asarray(margin))), atol=1e-6)


def test_unprototyped_requests_accept_records_and_rows(booster, frame):
    handler = XGBoostHandler(booster, None)
    expected = booster.predict(xgboost.DMatrix(frame.head(2))).tolist()
    assert handler.handler_predict(frame.head(2).to_dict("records"), check_prototype=False) == expected
    assert handler.handler_predict(frame.head(2).to_numpy().tolist(), check_prototype=False) == expected
    with pytest.raises(ValueError, match="3 features"):
        handler.handler_predict([[1.0, 2.0]], check_prototype=False)


def test_categorical_features_are_served(frame):
    data = frame.assign(kind=pd.Categorical(np.resize(["u", "v", "w"], len(frame))))
    label = (data.alpha > 0) | (data.kind == "w")
    model = xgboost.train(
        {"max_depth": 3, "nthread": 1}, xgboost.DMatrix(data, label=label.astype(int), enable_categorical=True), 8
    )
    v = VetiverModel(model, "cat", prototype_data=data.head(3))
    rows = data.iloc[10:16]
    expected = model.predict(xgboost.DMatrix(rows, enable_categorical=True)).tolist()
    response = post_in_process(VetiverAPI(v).app, "/predict", rows.astype({"kind": str}).to_dict("records"))
    assert response.status_code == 200, response.text
    assert response.json()["predict"] == expected
    bad = post_in_process(VetiverAPI(v).app, "/predict", [dict(rows.iloc[0].to_dict(), kind="zebra")])
    assert bad.status_code == 422 and "kind" in bad.text


def test_prediction_types_are_served_as_endpoints(booster, frame):
    api = VetiverAPI(VetiverModel(booster, "xgb", prototype_data=frame.head(2)))
    api.vetiver_post("predict_margin")
    response = post_in_process(api.app, "/predict_margin", frame.head(2).to_dict("records"))
    assert (
        response.json()["predict_margin"]
        == booster.predict(xgboost.DMatrix(frame.head(2)), output_margin=True).tolist()
    )


def test_pins_hold_ubjson_that_needs_no_pickle_consent(booster, frame, tmp_path):
    v = VetiverModel(booster, "xgb", prototype_data=frame.head(2))
    meta = vetiver_pin_write(pins.board_folder(str(tmp_path), allow_pickle_read=True), v)
    assert meta.type == "file" and meta.file == "xgb.ubj"
    assert meta.user["vetiver_meta"]["model_format"] == "xgboost-ubj"
    stored = next(Path(tmp_path, "xgb").glob("*/xgb.ubj")).read_bytes()
    assert stored[:1] == b"{" and b"feature_names" in stored  # a UBJSON object, with the names

    again = VetiverModel.from_pin(pins.board_folder(str(tmp_path), allow_pickle_read=False), "xgb")
    assert again.model.feature_names == ["alpha", "beta", "gamma"]
    assert again.handler_predict(frame.head(5)) == v.handler_predict(frame.head(5))


def test_0_2_6_import_path_resolves_to_the_plugin_class():
    """``vetiver.handlers.xgboost`` (0.2.6's path) is a lazy alias; not importing xgboost during discovery
    is checked by the conformance suite."""
    from vetiver.handlers.xgboost import XGBoostHandler as alias
    from vetiver_xgboost.handler import XGBoostHandler

    assert alias is XGBoostHandler


LEGACY_BOOSTER = """
import json, numpy as np, pandas as pd, pins, vetiver, xgboost
rng = np.random.default_rng(11)
X = pd.DataFrame(rng.normal(size=(120, 3)), columns=["alpha", "beta", "gamma"])
booster = xgboost.train({{"max_depth": 3, "nthread": 1}}, xgboost.DMatrix(X, label=X.alpha - X.gamma), 6)
model = vetiver.VetiverModel(booster, "legacy-xgb", prototype_data=X.head(3))
vetiver.vetiver_pin_write(pins.board_folder({board!r}, allow_pickle_read=True), model)
print(json.dumps({{"rows": X.head(4).to_dict("records"),
                  "predictions": booster.predict(xgboost.DMatrix(X.head(4))).tolist()}}))
"""


@pytest.mark.legacy
def test_boosters_pinned_by_0_2_6_load_with_consent(legacy_vetiver, tmp_path, monkeypatch):
    written = legacy_vetiver.run(LEGACY_BOOSTER.format(board=str(tmp_path)))
    monkeypatch.delenv("PINS_ALLOW_PICKLE_READ", raising=False)
    with pytest.raises(PickleConsentError):
        VetiverModel.from_pin(pins.board_folder(str(tmp_path), allow_pickle_read=False), "legacy-xgb")

    v = VetiverModel.from_pin(pins.board_folder(str(tmp_path), allow_pickle_read=True), "legacy-xgb")
    assert isinstance(v.handler, XGBoostHandler)
    rows = pd.DataFrame(written["rows"])
    assert v.handler_predict(rows) == pytest.approx(written["predictions"], rel=1e-6)
    response = post_in_process(VetiverAPI(v).app, "/predict", written["rows"])
    assert response.json()["predict"] == pytest.approx(written["predictions"], rel=1e-6)

    # Pinning it again moves it to the UBJSON format.
    meta = vetiver_pin_write(pins.board_folder(str(tmp_path / "new"), allow_pickle_read=True), v)
    assert meta.user["vetiver_meta"]["model_format"] == "xgboost-ubj"
