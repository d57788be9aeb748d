"""``vetiver.predict`` and ``vetiver.vetiver_endpoint``: 0.2.6 behaviour for every input type,
JSON content types, Arrow for large frames, headers, errors; and both directions against a real
vetiver 0.2.6 server."""

from __future__ import annotations

import json
import socket
import subprocess
import textwrap
import time

import httpx
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from starlette.testclient import TestClient

import vetiver
from vetiver.serving import client as vclient

ARROW = "application/vnd.apache.arrow.stream"


def _data(rows: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame(
        {"B": rng.integers(0, 50, rows), "C": rng.integers(0, 50, rows), "D": rng.integers(0, 50, rows)}
    )


@pytest.fixture
def served():
    X = _data()
    model = LinearRegression().fit(X, X["B"] - X["C"])
    api = vetiver.VetiverAPI(vetiver.VetiverModel(model, "lm", prototype_data=X), api_key="k")
    return TestClient(api.app), model, X


AUTH = {"headers": {"Authorization": "Key k"}}


def test_vetiver_endpoint_strips_one_trailing_slash():
    assert vetiver.vetiver_endpoint() == "http://127.0.0.1:8000/predict"
    assert vetiver.vetiver_endpoint("http://h/predict/") == "http://h/predict"
    assert vetiver.vetiver_endpoint("http://h/predict//") == "http://h/predict/"


def test_every_input_type_gives_a_frame(served):
    client, model, X = served
    frame = vetiver.predict("/predict", X.head(3), test_client=client, **AUTH)
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == ["predict"]
    assert np.allclose(frame["predict"], model.predict(X.head(3)))
    for one_row in (X.iloc[0], X.iloc[0].to_dict()):
        assert np.allclose(vetiver.predict("/predict", one_row, test_client=client, **AUTH)["predict"],
                           model.predict(X.head(1)))  # fmt: skip
    rows = json.loads(X.head(2).to_json(orient="records"))
    assert len(vetiver.predict("/predict", rows, test_client=client, **AUTH)) == 2


def test_dataframes_are_sent_as_json_with_a_content_type():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["type"] = request.headers["content-type"]
        seen["body"] = json.loads(request.content)
        return httpx.Response(200, json={"predict": [1.0]})

    frame = pd.DataFrame({"a": [1.5], "t": pd.to_datetime(["2024-01-02"]), "n": [np.nan]})
    with httpx.Client(transport=httpx.MockTransport(handler), base_url="http://m") as fake:
        vetiver.predict("/predict", frame, test_client=fake)
    assert seen["type"] == "application/json"
    assert seen["body"] == [{"a": 1.5, "t": "2024-01-02T00:00:00.000", "n": None}]


def test_large_frames_go_as_arrow_and_come_back_as_arrow(served, monkeypatch):
    client, model, X = served
    big = pd.concat([X] * 300, ignore_index=True)  # 12,000 rows >= ARROW_ROWS
    sent = []
    original = client.post

    def spy(url, **kw):
        sent.append(kw["headers"]["Content-Type"])
        response = original(url, **kw)
        sent.append(response.headers["content-type"])
        return response

    monkeypatch.setattr(client, "post", spy)
    out = vetiver.predict("/predict", big, test_client=client, **AUTH)
    assert sent == [ARROW, ARROW]
    assert np.allclose(out["predict"], model.predict(big))
    sent.clear()
    vetiver.predict("/predict", big, test_client=client, arrow=False, **AUTH)
    assert sent == ["application/json", "application/json"]
    sent.clear()
    vetiver.predict("/predict", X.head(2), test_client=client, arrow=True, **AUTH)
    assert sent == [ARROW, ARROW]


def test_422_raises_type_error_with_the_servers_message(served):
    client, _, X = served
    bad = X.head(2).astype({"C": str})
    bad.loc[1, "C"] = "many"
    with pytest.raises(TypeError, match=r"column 'C', row 1: expected integer, received 'many'"):
        vetiver.predict("/predict", bad, test_client=client, **AUTH)


def test_other_errors_raise_http_errors(served):
    client, _, X = served
    with pytest.raises(httpx.HTTPStatusError, match="Could not obtain data from endpoint with error: 401"):
        vetiver.predict("/predict", X.head(1), test_client=client)
    with pytest.raises(httpx.HTTPStatusError, match="404"):
        vetiver.predict("/nowhere", X.head(1), test_client=client, **AUTH)


def test_error_message_falls_back_to_text():
    response = httpx.Response(422, text="line one\nline two")
    assert vclient._error_message(response) == "line one: line two"


# --- against vetiver 0.2.6 ----------------------------------------------------------------------

LEGACY_SERVER = textwrap.dedent(
    """
    import sys
    import numpy as np, pandas as pd, uvicorn, vetiver
    from sklearn.linear_model import LinearRegression
    rng = np.random.default_rng(2)
    X = pd.DataFrame({c: rng.integers(0, 50, 40) for c in "BCD"})
    api = vetiver.VetiverAPI(vetiver.VetiverModel(LinearRegression().fit(X, X["B"] - X["C"]), "lm", prototype_data=X))
    uvicorn.run(api.app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
    """
)


@pytest.fixture
def legacy_server(legacy_vetiver, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    script = tmp_path / "legacy_server.py"
    script.write_text(LEGACY_SERVER)
    process = subprocess.Popen([str(legacy_vetiver.python), str(script), str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read().decode()
            try:
                httpx.get(f"{url}/ping", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url
    finally:
        process.kill()
        process.wait(10)


@pytest.mark.legacy
@pytest.mark.slow
def test_our_client_works_against_a_0_2_6_server(legacy_server):
    X = _data()
    expected = LinearRegression().fit(X, X["B"] - X["C"]).predict(X.head(5))
    # 0.2.6's own client sends DataFrames without a JSON content type and gets 422 from this server.
    assert httpx.post(f"{legacy_server}/predict", content=X.head(2).to_json(orient="records")).status_code == 422
    out = vetiver.predict(f"{legacy_server}/predict", X.head(5))
    assert np.allclose(out["predict"], expected)
    with pytest.raises(TypeError):
        vetiver.predict(f"{legacy_server}/predict", X.head(1).astype({"B": str}).assign(B="x"))


@pytest.mark.legacy
@pytest.mark.slow
def test_our_server_answers_in_0_2_6_shapes(legacy_server, served):
    client, _, X = served
    theirs = {path: httpx.get(f"{legacy_server}{path}").json() for path in ("/ping", "/metadata", "/prototype")}
    ours = {path: client.get(path, **AUTH).json() for path in ("/ping", "/metadata", "/prototype")}
    assert ours["/ping"] == theirs["/ping"]
    assert set(ours["/metadata"]) == set(theirs["/metadata"])
    for key in ("title", "type", "required"):
        assert ours["/prototype"][key] == theirs["/prototype"][key]
    for name, prop in theirs["/prototype"]["properties"].items():
        assert "title" not in prop and "title" not in ours["/prototype"]["properties"][name]
        assert ours["/prototype"]["properties"][name]["type"] == prop["type"]
    rows = X.head(3).to_dict("records")
    theirs_predict = httpx.post(f"{legacy_server}/predict", json=rows).json()
    ours_predict = client.post("/predict", json=rows, **AUTH).json()
    assert set(ours_predict) == set(theirs_predict) == {"predict"}
    assert np.allclose(ours_predict["predict"], theirs_predict["predict"])


OUR_SERVER = textwrap.dedent(
    """
    import sys
    import numpy as np, pandas as pd, vetiver
    from sklearn.linear_model import LinearRegression
    rng = np.random.default_rng(2)
    X = pd.DataFrame({c: rng.integers(0, 50, 40) for c in "BCD"})
    api = vetiver.VetiverAPI(vetiver.VetiverModel(LinearRegression().fit(X, X["B"] - X["C"]), "lm", prototype_data=X))
    api.run(port=int(sys.argv[1]), quiet_open=True)
    """
)


@pytest.mark.legacy
@pytest.mark.slow
def test_the_0_2_6_client_works_against_our_server(legacy_vetiver, tmp_path):
    import sys

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    script = tmp_path / "our_server.py"
    script.write_text(OUR_SERVER)
    process = subprocess.Popen([sys.executable, str(script), str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/ping", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        X = _data()
        # 0.2.6's predict() sends a DataFrame with no JSON content type: we read it as JSON.
        out = legacy_vetiver.run(
            f"""
            import json, numpy as np, pandas as pd, vetiver
            rng = np.random.default_rng(2)
            X = pd.DataFrame({{c: rng.integers(0, 50, 40) for c in "BCD"}})
            frame = vetiver.predict("{url}/predict", X.head(4))
            one = vetiver.predict("{url}/predict", X.iloc[0].to_dict())
            print(json.dumps({{"frame": frame["predict"].tolist(), "one": one["predict"].tolist()}}))
            """
        )
        expected = LinearRegression().fit(X, X["B"] - X["C"]).predict(X.head(4))
        assert np.allclose(out["frame"], expected) and np.allclose(out["one"], expected[:1])
    finally:
        process.kill()
        process.wait(10)
