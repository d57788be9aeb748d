"""The statsmodels plugin: formula and array inputs, prediction types, small pins, 0.2.6 pins."""

from __future__ import annotations

import pickle

import joblib
import numpy as np
import pandas as pd
import pins
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from vetiver import VetiverAPI, VetiverModel, vetiver_pin_write
from vetiver.errors import PickleConsentError
from vetiver.testing import post_in_process
from vetiver_statsmodels.handler import StatsmodelsHandler
from vetiver_statsmodels.slim import without_training_data

PREDICTORS = ["x1", "x2", "shop"]


def test_formula_models_get_the_prototype_columns_and_categorical_terms(formula_ols, frame):
    v = VetiverModel(formula_ols, "ols", prototype_data=frame[PREDICTORS].head(3))
    assert v.description == "A statsmodels OLS model"
    rows = frame[PREDICTORS].iloc[:8]
    assert v.handler_predict(rows) == formula_ols.predict(rows).tolist()
    response = post_in_process(VetiverAPI(v).app, "/predict", rows.astype({"shop": str}).to_dict("records"))
    assert response.json()["predict"] == formula_ols.predict(rows).tolist()
    # An unknown level of the categorical column is refused before the formula sees it.
    bad = post_in_process(VetiverAPI(v).app, "/predict", [dict(x1=0.1, x2=1.5, shop="west")])
    assert bad.status_code == 422 and "shop" in bad.text


def test_get_prediction_gives_confidence_intervals(formula_ols, array_logit, frame):
    rows = frame.iloc[:4]
    ols = StatsmodelsHandler(formula_ols, frame[PREDICTORS].head(2))
    records = ols.handler_predict(rows[PREDICTORS], prediction_type="get_prediction")
    expected = formula_ols.get_prediction(rows[PREDICTORS]).summary_frame()
    assert list(records[0]) == ["mean", "mean_se", "mean_ci_lower", "mean_ci_upper", "obs_ci_lower", "obs_ci_upper"]
    assert [r["mean_ci_upper"] for r in records] == expected.mean_ci_upper.tolist()

    logit = StatsmodelsHandler(array_logit, frame[["x1", "x2"]].head(2))
    records = logit.handler_predict(rows[["x1", "x2"]], prediction_type="get_prediction")
    assert list(records[0]) == ["predicted", "se", "ci_lower", "ci_upper"]
    assert all(r["ci_lower"] <= r["predicted"] <= r["ci_upper"] for r in records)


def test_prediction_types_follow_what_the_model_offers(formula_ols, array_logit, frame):
    ols = StatsmodelsHandler(formula_ols, frame[PREDICTORS].head(2))
    assert ols.available_prediction_types() == ("predict", "get_prediction")
    with pytest.raises(ValueError, match="offer no predict_linear"):
        ols.handler_predict(frame[PREDICTORS].head(2), prediction_type="predict_linear")

    glm = smf.glm("bought ~ x1 + C(shop)", data=frame, family=sm.families.Binomial()).fit()
    handler = StatsmodelsHandler(glm, frame[["x1", "shop"]].head(2))
    assert handler.available_prediction_types() == ("predict", "predict_linear", "get_prediction")
    rows = frame[["x1", "shop"]].head(5)
    assert handler.handler_predict(rows, prediction_type="predict_linear") == glm.predict(rows, which="linear").tolist()

    logit = StatsmodelsHandler(array_logit, frame[["x1", "x2"]].head(2))
    linear = logit.handler_predict(frame[["x1", "x2"]].head(3), prediction_type="predict_linear")
    assert np.allclose(1 / (1 + np.exp(-np.asarray(linear))), logit.handler_predict(frame[["x1", "x2"]].head(3)))


def test_get_prediction_is_served_as_an_endpoint(formula_ols, frame):
    api = VetiverAPI(VetiverModel(formula_ols, "ols", prototype_data=frame[PREDICTORS].head(3)))
    api.vetiver_post("get_prediction")
    rows = frame[PREDICTORS].head(2).astype({"shop": str}).to_dict("records")
    response = post_in_process(api.app, "/get_prediction", rows)
    assert response.status_code == 200, response.text
    assert [r["mean"] for r in response.json()["get_prediction"]] == formula_ols.predict(frame.head(2)).tolist()


def test_predict_linear_is_served_as_an_endpoint(array_logit, frame):
    api = VetiverAPI(VetiverModel(array_logit, "logit", prototype_data=frame[["x1", "x2"]].head(3)))
    api.vetiver_post("predict_linear")
    response = post_in_process(api.app, "/predict_linear", frame[["x1", "x2"]].head(2).to_dict("records"))
    assert response.status_code == 200, response.text


def test_array_models_take_columns_by_name_with_or_without_the_constant(array_logit, frame):
    handler = StatsmodelsHandler(array_logit, frame[["x1", "x2"]].head(2))
    expected = array_logit.predict(sm.add_constant(frame[["x1", "x2"]]).head(3)).tolist()
    assert handler.handler_predict(frame[["x2", "x1"]].head(3)) == expected
    assert handler.handler_predict(sm.add_constant(frame[["x1", "x2"]]).head(3)) == expected
    # without a prototype check: rows in the prototype's order, or records
    assert handler.handler_predict(frame[["x1", "x2"]].head(3).to_numpy().tolist(), check_prototype=False) == expected
    assert handler.handler_predict(frame[["x1", "x2"]].head(3).to_dict("records"), check_prototype=False) == expected
    with pytest.raises(ValueError, match="expects 3 columns"):
        handler.handler_predict([[1.0, 2.0, 3.0, 4.0]], check_prototype=False)


def test_array_models_from_numpy_take_columns_by_position(frame):
    X = sm.add_constant(frame[["x1", "x2"]].to_numpy())
    ols = sm.OLS(frame.y.to_numpy(), X).fit()
    v = VetiverModel(ols, "np-ols", prototype_data=frame[["x1", "x2"]].to_numpy()[:3])
    rows = frame[["x1", "x2"]].to_numpy()[:4]
    request = pd.DataFrame(rows, columns=["0", "1"])
    assert v.handler_predict(request) == pytest.approx(ols.predict(X[:4]).tolist(), rel=1e-12)


def test_pins_leave_the_training_data_out(formula_ols, array_logit, frame, tmp_path):
    board = pins.board_folder(str(tmp_path), allow_pickle_read=True)
    meta = vetiver_pin_write(board, VetiverModel(array_logit, "logit", prototype_data=frame[["x1", "x2"]].head(2)))
    assert meta.type == "joblib" and meta.user["vetiver_meta"]["model_format"] == "statsmodels-joblib"
    assert meta.file_size < len(pickle.dumps(array_logit)) / 5

    slim = without_training_data(formula_ols)
    assert list(slim.model.data.frame.columns) == ["x1", "x2", "shop", "y"]  # "unused" and "bought" dropped
    assert len(slim.model.data.orig_exog) == 0
    assert len(pickle.dumps(slim)) < len(pickle.dumps(formula_ols)) / 2
    # the user's model keeps its data
    assert len(formula_ols.model.endog) == len(frame) and len(formula_ols.model.data.frame.columns) == 6


def test_stateful_formula_transforms_survive_the_round_trip(frame, tmp_path):
    centered = smf.ols("y ~ center(x1) + standardize(x2) + C(shop)", data=frame).fit()
    board = pins.board_folder(str(tmp_path), allow_pickle_read=True)
    vetiver_pin_write(board, VetiverModel(centered, "centered", prototype_data=frame[PREDICTORS].head(2)))
    again = VetiverModel.from_pin(board, "centered")
    rows = frame[PREDICTORS].iloc[100:103]  # few rows: transforms must use the training statistics
    assert again.handler_predict(rows) == centered.predict(rows).tolist()


def test_results_that_cannot_drop_data_are_saved_whole(tmp_path, monkeypatch, formula_ols):
    monkeypatch.setattr(type(formula_ols._results), "remove_data", _refuse, raising=True)
    path = tmp_path / "whole.joblib"
    joblib.dump(without_training_data(formula_ols), path)
    assert joblib.load(path).predict(pd.DataFrame({"x1": [0.0], "x2": [1.0], "shop": ["east"]})).size == 1


def _refuse(self):
    """Stands in for results classes whose remove_data statsmodels does not implement."""
    raise NotImplementedError


def test_0_2_6_import_path_resolves_to_the_plugin_class():
    """``vetiver.handlers.statsmodels`` (0.2.6's path) is a lazy alias; not importing statsmodels during discovery
    is checked by the conformance suite."""
    from vetiver.handlers.statsmodels import StatsmodelsHandler as alias
    from vetiver_statsmodels.handler import StatsmodelsHandler

    assert alias is StatsmodelsHandler


LEGACY_OLS = """
import json, numpy as np, pandas as pd, pins, vetiver
import statsmodels.formula.api as smf
rng = np.random.default_rng(3)
df = pd.DataFrame({{"x1": rng.normal(size=80), "shop": rng.choice(["a", "b"], size=80)}})
df["y"] = 2 * df.x1 + (df.shop == "b") + rng.normal(size=80)
results = smf.ols("y ~ x1 + C(shop)", data=df).fit()
model = vetiver.VetiverModel(results, "legacy-ols", prototype_data=df[["x1", "shop"]].head(2))
vetiver.vetiver_pin_write(pins.board_folder({board!r}, allow_pickle_read=True), model)
rows = df[["x1", "shop"]].head(4)
print(json.dumps({{"rows": rows.to_dict("records"), "predictions": results.predict(rows).tolist()}}))
"""


@pytest.mark.legacy
def test_results_pinned_by_0_2_6_load_with_consent(legacy_vetiver, tmp_path, monkeypatch):
    written = legacy_vetiver.run(LEGACY_OLS.format(board=str(tmp_path)))
    monkeypatch.delenv("PINS_ALLOW_PICKLE_READ", raising=False)
    with pytest.raises(PickleConsentError):
        VetiverModel.from_pin(pins.board_folder(str(tmp_path), allow_pickle_read=False), "legacy-ols")

    v = VetiverModel.from_pin(pins.board_folder(str(tmp_path), allow_pickle_read=True), "legacy-ols")
    assert isinstance(v.handler, StatsmodelsHandler)
    assert v.handler_predict(pd.DataFrame(written["rows"])) == pytest.approx(written["predictions"], rel=1e-9)
    response = post_in_process(VetiverAPI(v).app, "/predict", written["rows"])
    assert response.json()["predict"] == pytest.approx(written["predictions"], rel=1e-9)
