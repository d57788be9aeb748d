"""The sklearn handler on real estimators: pipelines with column transformers, prediction types,
sklearn-API estimators from elsewhere."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import vetiver


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "size": rng.normal(100, 10, 60),
            "rooms": rng.integers(1, 5, 60),
            "kind": pd.Categorical(rng.choice(["flat", "house"], 60)),
        }
    )


def test_pipeline_with_column_transformer_gets_named_columns():
    X = _frame()
    y = 3 * X["size"] + 10 * (X["kind"] == "house")
    pipeline = make_pipeline(
        ColumnTransformer([("num", StandardScaler(), ["size", "rooms"]), ("cat", OneHotEncoder(), ["kind"])]),
        LinearRegression(),
    ).fit(X, y)
    model = vetiver.VetiverModel(pipeline, "houses", prototype_data=X)
    assert model.description == "A scikit-learn Pipeline model"
    assert [c.kind for c in model.schema.columns] == ["number", "integer", "category"]
    assert model.handler_predict(X.head(3)) == pytest.approx(pipeline.predict(X.head(3)).tolist())


def test_prediction_types():
    mtcars = vetiver.data.mtcars
    model = vetiver.VetiverModel(vetiver.get_mtcars_model(), "cars", prototype_data=mtcars.drop(columns="cyl"))
    rows = mtcars.drop(columns="cyl").head(2)
    assert model.handler_predict(rows) == model.model.predict(rows).tolist()
    proba = model.handler_predict(rows, prediction_type="predict_proba")
    assert len(proba) == 2 and sum(proba[0]) == pytest.approx(1)
    assert model.handler_predict(rows, prediction_type="predict_log_proba")[0][0] <= 0
    with pytest.raises(ValueError, match="choose one of"):
        model.handler_predict(rows, prediction_type="transform")


def test_regressor_without_proba_says_what_it_offers():
    X, y = vetiver.get_mock_data(seed=1)
    model = vetiver.VetiverModel(LinearRegression().fit(X, y), "lr", prototype_data=X)
    with pytest.raises(ValueError, match="has no predict_proba; it offers predict"):
        model.handler_predict(X, prediction_type="predict_proba")


def test_sklearn_api_estimator_from_elsewhere():
    class MedianRegressor(RegressorMixin, BaseEstimator):
        def fit(self, X, y):
            self.median_ = float(np.median(y))
            return self

        def predict(self, X):
            return np.full(len(X), self.median_)

    X, y = vetiver.get_mock_data(seed=1)
    model = vetiver.VetiverModel(MedianRegressor().fit(X, y), "median", prototype_data=X)
    assert model.handler.handler_name == "sklearn"
    assert model.handler_predict(X.head(2)) == [float(np.median(y))] * 2


def test_required_pkgs_are_pinned():
    import sklearn

    model = vetiver.VetiverModel(LogisticRegression(), "lr")
    assert model.metadata.required_pkgs == [f"scikit-learn=={sklearn.__version__}"]


def test_mock_model_and_data():
    X, y = vetiver.get_mock_data(seed=4)
    assert X.shape == (100, 3) and list(X.columns) == ["B", "C", "D"]
    assert vetiver.get_mock_data(seed=4)[0].equals(X)
    model = vetiver.get_mock_model().fit(X, y)
    assert vetiver.VetiverModel(model, "dummy").description == "A scikit-learn DummyRegressor model"
    assert vetiver.data.sacramento.shape[1] == 5 and len(vetiver.data.chicago) == 698


def test_plain_numeric_estimators_get_arrays_after_a_probe(recwarn):
    X, y = vetiver.get_mock_data(seed=1)
    lr = LinearRegression().fit(X, y)
    model = vetiver.VetiverModel(lr, "lr", prototype_data=X)
    for rows in (X.head(1), X.head(50), X.head(1)):
        assert model.handler_predict(rows) == lr.predict(rows).tolist()
    assert model.handler._array_input is True
    assert not [w for w in recwarn if "valid feature names" in str(w.message)]
    # reordered columns are not the fitted names: back to a DataFrame, and sklearn's own check
    with pytest.raises(ValueError, match="feature names"):
        model.handler_predict(X[["D", "C", "B"]].head(1))


def test_estimators_routing_columns_by_name_keep_dataframes():
    X = _frame()
    y = 3 * X["size"]
    pipeline = make_pipeline(ColumnTransformer([("num", StandardScaler(), ["size", "rooms"])]), LinearRegression()).fit(
        X[["size", "rooms"]], y
    )
    model = vetiver.VetiverModel(pipeline, "p", prototype_data=X[["size", "rooms"]])
    rows = X[["size", "rooms"]].head(3)
    assert model.handler_predict(rows) == pytest.approx(pipeline.predict(rows).tolist())
    assert model.handler._array_input is False
    assert model.handler_predict(rows) == pytest.approx(pipeline.predict(rows).tolist())


def test_server_hands_arrays_to_the_handler_once_it_accepts_them():
    from starlette.testclient import TestClient

    seen: list[str] = []

    class SpyRegression(LinearRegression):
        def predict(self, X):
            seen.append(type(X).__name__)
            return super().predict(X)

    X, y = vetiver.get_mock_data(seed=1)
    lr = SpyRegression().fit(X, y)
    expected = LinearRegression().fit(X, y).predict(X.head(3)).tolist()
    api = vetiver.VetiverAPI(vetiver.VetiverModel(lr, "lr", prototype_data=X))
    custom_seen: list[str] = []

    def total(data):
        custom_seen.append(type(data).__name__)
        return data.sum(axis=1).tolist()

    api.vetiver_post(total)
    client = TestClient(api.app)
    rows = X.head(3).to_dict("records")
    assert client.post("/predict", json=rows).json() == {"predict": expected}
    assert seen == ["DataFrame", "ndarray", "ndarray"]  # the probe (frame, array), then the answer
    assert client.post("/predict", json=rows).json() == {"predict": expected}
    assert seen[3:] == ["ndarray"]  # no frame built for later requests
    assert client.post("/total", json=rows).json() == {"total": X.head(3).sum(axis=1).tolist()}
    assert custom_seen == ["DataFrame"]  # custom endpoints always get frames
