"""vetiver 0.2.6 behaviour users rely on (issue 9). Expected bodies were recorded by running
vetiver-python 0.2.6 (fastapi 0.165, pydantic 2.14) on the same inputs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from pydantic import BaseModel, Field
from sklearn.linear_model import LinearRegression
from starlette.testclient import TestClient

import vetiver


def _lm(prototype_data=None, metadata=None) -> vetiver.VetiverModel:
    X, y = vetiver.get_mock_data(seed=0)
    return vetiver.VetiverModel(LinearRegression().fit(X, y), "lm", prototype_data=prototype_data, metadata=metadata)


def test_get_mock_data_uses_numpys_global_random_state():
    np.random.seed(500)
    X, y = vetiver.get_mock_data()
    np.random.seed(500)
    expected = pd.DataFrame(np.random.randint(0, 100, size=(100, 4)), columns=list("ABCD"))  # 0.2.6's code
    pd.testing.assert_frame_equal(X, expected.iloc[:, 1:])
    pd.testing.assert_series_equal(y, expected["A"])
    X2, _ = vetiver.get_mock_data(seed=500)  # the same data, leaving the global state alone
    pd.testing.assert_frame_equal(X2, X)


def test_metadata_keeps_0_2_6_shape_with_versions_alongside():
    import sklearn

    model = _lm()
    assert model.metadata.required_pkgs == ["scikit-learn"]  # 0.2.6 wrote the name
    assert model.metadata.pinned_pkgs == [f"scikit-learn=={sklearn.__version__}"]
    body = TestClient(vetiver.VetiverAPI(model).app).get("/metadata").json()
    assert set(body) == {"user", "version", "url", "required_pkgs", "python_version"}
    assert body["required_pkgs"] == ["scikit-learn"]


def test_user_required_pkgs_are_merged_and_user_metadata_comes_back_as_written(board):
    written = {"required_pkgs": ["pandas"], "team": "a"}
    model = _lm(metadata=dict(written))
    assert model.metadata.user == written  # 0.2.6: the whole dict, as written
    assert model.metadata.required_pkgs == ["pandas", "scikit-learn"]
    assert model.metadata.pinned_pkgs[0] == f"pandas=={pd.__version__}"
    vetiver.vetiver_pin_write(board, model)
    again = vetiver.VetiverModel.from_pin(board, "lm")
    assert again.metadata.user == written
    assert again.metadata.required_pkgs == ["pandas", "scikit-learn"]
    assert again.metadata.pinned_pkgs == model.metadata.pinned_pkgs


# Recorded from vetiver 0.2.6: GET /prototype for these prototype_data.
PROTOTYPE_0_2_6 = {
    "dict": (
        {"B": 1, "C": 2.5, "D": "x", "E": True},
        {"properties": {"B": {"example": 1, "type": "integer"}, "C": {"example": 2.5, "type": "number"},
                        "D": {"example": "x", "type": "string"}, "E": {"example": True, "type": "boolean"}},
         "required": ["B", "C", "D", "E"], "title": "prototype", "type": "object"},
    ),
    "frame": (
        pd.DataFrame({"a": [1.5], "s": ["q"], "b": [True]}),
        {"properties": {"a": {"example": 1.5, "type": "number"}, "s": {"example": "q", "type": "string"},
                        "b": {"example": True, "type": "boolean"}},
         "required": ["a", "s", "b"], "title": "prototype", "type": "object"},
    ),
    "array": (
        np.array([[1, 2, 3]]),
        {"properties": {"0": {"example": 1, "type": "integer"}, "1": {"example": 2, "type": "integer"},
                        "2": {"example": 3, "type": "integer"}},
         "required": ["0", "1", "2"], "title": "prototype", "type": "object"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(PROTOTYPE_0_2_6))
def test_prototype_endpoint_answers_0_2_6_json(case):
    data, expected = PROTOTYPE_0_2_6[case]
    X, y = vetiver.get_mock_data(seed=0)
    model = vetiver.VetiverModel(LinearRegression().fit(X.iloc[:, : len(expected["required"])], y), "m", data)
    client = TestClient(vetiver.VetiverAPI(model).app)
    response = client.get("/prototype")
    assert response.json() == expected
    assert list(response.json()) == ["properties", "required", "title", "type"]  # pydantic's key order
    lossless = client.get("/prototype", params={"format": "lossless"}).json()
    assert all("x-vetiver-kind" in prop for prop in lossless["properties"].values())


def test_custom_pydantic_prototype_keeps_its_title_through_a_pin(board):
    class CarFeatures(BaseModel):
        B: int = Field(..., json_schema_extra={"example": 1})
        C: float = Field(..., json_schema_extra={"example": 2.5})

    X, y = vetiver.get_mock_data(seed=0)
    model = vetiver.VetiverModel(LinearRegression().fit(X[["B", "C"]], y), "cars", prototype_data=CarFeatures)
    expected = {"properties": {"B": {"example": 1, "type": "integer"}, "C": {"example": 2.5, "type": "number"}},
                "required": ["B", "C"], "title": "CarFeatures", "type": "object"}  # fmt: skip
    assert TestClient(vetiver.VetiverAPI(model).app).get("/prototype").json() == expected
    vetiver.vetiver_pin_write(board, model)
    again = vetiver.VetiverModel.from_pin(board, "cars")
    api = vetiver.VetiverAPI(again)
    assert TestClient(api.app).get("/prototype").json() == expected
    assert "x-vetiver-kind" in api.openapi()["components"]["schemas"]["prototype"]["properties"]["B"]


def test_predict_http_errors_are_requests_http_errors():
    requests = pytest.importorskip("requests")
    import httpx

    client = TestClient(vetiver.VetiverAPI(_lm(vetiver.get_mock_data(seed=0)[0]), api_key="k").app)
    X, _ = vetiver.get_mock_data(seed=1)
    with pytest.raises(requests.exceptions.HTTPError, match="401"):
        vetiver.predict("/predict", X.head(2), test_client=client)
    with pytest.raises(httpx.HTTPStatusError):
        vetiver.predict("/predict", X.head(2), test_client=client)
    with pytest.raises(vetiver.errors.VetiverError) as raised:
        vetiver.predict("/predict", X.head(2), test_client=client)
    assert raised.value.response.status_code == 401


def test_import_vetiver_does_not_import_requests():
    code = "import sys, vetiver; print('requests' in sys.modules, 'httpx' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split() == ["False"] * 2
