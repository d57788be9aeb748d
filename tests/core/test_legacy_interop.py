"""Pins interoperate with vetiver-python 0.2.6 (from PyPI, in its own environment) both ways."""

from __future__ import annotations

import pandas as pd
import pins
import pytest

import vetiver

pytestmark = pytest.mark.legacy

ROWS = [{"B": 1, "C": 2, "D": 3}, {"B": 40, "C": 50, "D": 60}]


def test_we_read_a_pin_written_by_0_2_6(legacy_vetiver, tmp_path):
    written = legacy_vetiver.run(
        f"""
        import json, numpy as np, pandas as pd, pins, vetiver
        from sklearn.linear_model import LinearRegression
        np.random.seed(3)
        X, y = vetiver.get_mock_data()
        model = vetiver.VetiverModel(LinearRegression().fit(X, y), "lr", prototype_data=X,
                                     metadata={{"user": {{"team": "a"}}}})
        board = pins.board_folder({str(tmp_path)!r}, allow_pickle_read=True)
        vetiver.vetiver_pin_write(board, model)
        print(json.dumps({{"predictions": model.model.predict(pd.DataFrame({ROWS!r})).tolist(),
                          "version": board.pin_meta("lr").version.version}}))
        """
    )
    board = pins.board_folder(str(tmp_path), allow_pickle_read=True)
    model = vetiver.VetiverModel.from_pin(board, "lr")
    assert model.metadata.version == written["version"]
    assert model.metadata.user == {"team": "a"}
    assert "scikit-learn" in model.metadata.required_pkgs
    assert list(model.schema.names) == ["B", "C", "D"]
    assert model.model.predict(pd.DataFrame(ROWS)).tolist() == pytest.approx(written["predictions"])


def test_0_2_6_reads_a_pin_we_wrote(legacy_vetiver, tmp_path):
    X, y = vetiver.get_mock_data(seed=3)
    from sklearn.linear_model import LinearRegression

    ours = vetiver.VetiverModel(LinearRegression().fit(X, y), "lr", prototype_data=X, metadata={"team": "b"})
    board = pins.board_folder(str(tmp_path), allow_pickle_read=True)
    vetiver.vetiver_pin_write(board, ours)

    read = legacy_vetiver.run(
        f"""
        import json, pandas as pd, pins, vetiver
        board = pins.board_folder({str(tmp_path)!r}, allow_pickle_read=True)
        model = vetiver.VetiverModel.from_pin(board, "lr")
        print(json.dumps({{
            "predictions": model.model.predict(pd.DataFrame({ROWS!r})).tolist(),
            "fields": list(model.prototype.model_fields),
            "user": model.metadata.user,
            "description": model.description,
        }}))
        """
    )
    assert read["fields"] == ["B", "C", "D"]
    assert read["user"] == {"team": "b"}
    assert read["description"] == "A scikit-learn LinearRegression model"
    assert read["predictions"] == pytest.approx(ours.model.predict(pd.DataFrame(ROWS)).tolist())


def test_0_2_6_serves_a_pin_we_wrote(legacy_vetiver, tmp_path):
    """Its own FastAPI app validates requests against the prototype we stored."""
    X, y = vetiver.get_mock_data(seed=3)
    from sklearn.linear_model import LinearRegression

    vetiver.vetiver_pin_write(
        pins.board_folder(str(tmp_path)),
        vetiver.VetiverModel(LinearRegression().fit(X, y), "lr", prototype_data=X),
    )
    read = legacy_vetiver.run(
        f"""
        import json, pins, vetiver
        from fastapi.testclient import TestClient
        board = pins.board_folder({str(tmp_path)!r}, allow_pickle_read=True)
        api = vetiver.VetiverAPI(vetiver.VetiverModel.from_pin(board, "lr"))
        client = TestClient(api.app)
        ok = client.post("/predict", json={ROWS!r})
        bad = client.post("/predict", json=[{{"B": "x", "C": 2, "D": 3}}])
        print(json.dumps({{"ok": ok.status_code, "body": ok.json(), "bad": bad.status_code}}))
        """
    )
    assert read["ok"] == 200 and len(read["body"]["predict"]) == 2
    assert read["bad"] == 422
