"""VetiverAPI in process (starlette TestClient): routes, 0.2.6 JSON shapes, body formats, bad input."""

from __future__ import annotations

import io
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression
from starlette.testclient import TestClient

import vetiver
from vetiver.serving.app_factory import DeferredApp

ARROW = "application/vnd.apache.arrow.stream"


def _frame(rows: int = 50, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {"B": rng.integers(0, 100, rows), "C": rng.integers(0, 100, rows), "D": rng.integers(0, 100, rows)}
    )


@pytest.fixture
def regression() -> vetiver.VetiverModel:
    X = _frame()
    model = LinearRegression().fit(X, X["B"] * 2.0 + X["C"] - X["D"])
    return vetiver.VetiverModel(model, "lm", prototype_data=X)


@pytest.fixture
def client(regression) -> TestClient:
    return TestClient(vetiver.VetiverAPI(regression).app)


@pytest.fixture
def mixed_model() -> vetiver.VetiverModel:
    """A model whose prototype has a category, a datetime, a nullable float and a string."""
    X = pd.DataFrame({
        "n": [1.5, 2.5, None],
        "k": pd.Categorical(["a", "b", "a"]),
        "t": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
        "s": ["x", "y", "z"],
    })  # fmt: skip

    class Echo:
        """Returns the number of rows and the category codes it was given."""

        def predict(self, frame: pd.DataFrame) -> list:
            assert frame["k"].dtype == "category" and str(frame["t"].dtype).startswith("datetime64")
            return frame["k"].cat.codes.tolist()

    handler = vetiver.BaseHandler(Echo(), X)
    return vetiver.VetiverModel(handler, "mixed", prototype_data=X)


def test_routes_and_0_2_6_shapes(client, regression):
    assert client.get("/ping").json() == {"ping": "pong"}
    meta = client.get("/metadata").json()
    assert set(meta) == {"user", "version", "url", "required_pkgs", "python_version"}
    assert (
        meta["user"] == {} and meta["url"] is None and any(p.startswith("scikit-learn") for p in meta["required_pkgs"])
    )
    proto = client.get("/prototype").json()
    assert proto["title"] == "prototype" and proto["type"] == "object" and proto["required"] == ["B", "C", "D"]
    assert proto["properties"]["B"]["type"] == "integer" and "example" in proto["properties"]["B"]
    assert all("title" not in prop for prop in proto["properties"].values())
    assert client.get("/pin-url").status_code == 404  # only when the pin has a URL

    rows = _frame(3).to_dict("records")
    response = client.post("/predict", json=rows)
    assert response.status_code == 200
    expected = regression.model.predict(pd.DataFrame(rows)).tolist()
    assert response.json() == {"predict": pytest.approx(expected)}


def test_root_redirects_to_docs(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "__docs__"
    page = client.get("/__docs__")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    # Every asset the page loads is served by the app itself.
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        assert client.get(f"/__docs__/static/{asset}").status_code == 200
    assert "http" not in page.text.split("<body>")[1].split("</body>")[0].replace("openapi.json", "")


def test_pin_url_is_the_plain_url(regression):
    regression.metadata.url = "https://connect.example/content/abc/"
    client = TestClient(vetiver.VetiverAPI(regression).app)
    assert client.get("/pin-url").json() == "https://connect.example/content/abc/"


@pytest.mark.parametrize("fmt", ["records", "columnar", "csv", "arrow", "arrow-file"])
def test_every_body_format_gives_the_same_predictions(client, regression, fmt):
    X = _frame(7, seed=3)
    expected = regression.model.predict(X).tolist()
    if fmt == "records":
        response = client.post("/predict", json=X.to_dict("records"))
    elif fmt == "columnar":
        response = client.post("/predict", json={"columns": list(X.columns), "data": X.to_numpy().tolist()})
    elif fmt == "csv":
        response = client.post("/predict", content=X.to_csv(index=False), headers={"Content-Type": "text/csv"})
    else:
        table = pa.Table.from_pandas(X, preserve_index=False)
        sink = io.BytesIO()
        writer_cls = pa.ipc.new_stream if fmt == "arrow" else pa.ipc.new_file
        with writer_cls(sink, table.schema) as writer:
            writer.write_table(table)
        media = ARROW if fmt == "arrow" else "application/vnd.apache.arrow.file"
        response = client.post("/predict", content=sink.getvalue(), headers={"Content-Type": media})
    assert response.status_code == 200, response.text
    assert response.json()["predict"] == pytest.approx(expected)


def test_arrow_response_when_accepted(client, regression):
    X = _frame(5)
    response = client.post("/predict", json=X.to_dict("records"), headers={"Accept": ARROW})
    assert response.headers["content-type"] == ARROW
    table = pa.ipc.open_stream(response.content).read_all()
    assert table.column_names == ["predict"]
    assert table["predict"].to_pylist() == pytest.approx(regression.model.predict(X).tolist())


def test_missing_content_type_is_json(client):
    # vetiver-R's client and SageMaker send none; 0.2.6's predict() sent DataFrames without one.
    response = client.post("/predict", content=_frame(2).to_json(orient="records"), headers={"Content-Type": ""})
    assert response.status_code == 200


def _detail(response) -> list[dict]:
    assert response.headers["content-type"] == "application/json"
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    for item in detail:
        assert {"row", "column", "expected", "received", "message"} <= set(item)
    return detail


@pytest.mark.parametrize("content_type", ["application/json", "text/csv"])
def test_wrong_type_names_row_column_expected_received(client, content_type):
    if content_type == "text/csv":
        body = "B,C,D\n1,2,3\n4,x,6\n"
    else:
        body = '[{"B": 1, "C": 2, "D": 3}, {"B": 4, "C": "x", "D": 6}]'
    response = client.post("/predict", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 422
    [error] = _detail(response)
    assert error["row"] == 1 and error["column"] == "C" and error["expected"] == "integer" and "x" in error["received"]


def test_float_for_integer_is_rejected(client):
    response = client.post("/predict", json=[{"B": 1.5, "C": 2, "D": 3}])
    assert response.status_code == 422
    assert _detail(response)[0]["column"] == "B"


def test_missing_column(client):
    response = client.post("/predict", json=[{"B": 1, "C": 2}])
    assert response.status_code == 422
    [error] = _detail(response)
    assert error["column"] == "D" and error["row"] is None and "missing" in error["received"]


@pytest.mark.parametrize("fmt", ["json", "arrow"])
def test_null_where_not_allowed(client, fmt):
    if fmt == "json":
        response = client.post("/predict", json=[{"B": 1, "C": None, "D": 3}])
    else:
        table = pa.table({"B": [1], "C": pa.array([None], pa.int64()), "D": [3]})
        sink = io.BytesIO()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        response = client.post("/predict", content=sink.getvalue(), headers={"Content-Type": ARROW})
    assert response.status_code == 422
    [error] = _detail(response)
    assert error["row"] == 0 and error["column"] == "C" and error["received"] == "null"


def test_category_levels_and_datetimes_follow_the_same_rules_in_every_format():
    X = pd.DataFrame({"k": pd.Categorical(["a", "b"]), "t": pd.to_datetime(["2024-01-01", "2024-01-02"])})

    class Codes:
        def predict(self, frame: pd.DataFrame) -> list:
            return frame["k"].cat.codes.tolist()

    api = vetiver.VetiverAPI(vetiver.VetiverModel(vetiver.BaseHandler(Codes(), X), "codes", prototype_data=X))
    client = TestClient(api.app)
    ok = client.post("/predict", json=[{"k": "b", "t": "2024-05-01T10:00:00"}])
    assert ok.json() == {"predict": [1]}
    for body, ctype in (('[{"k": "c", "t": "2024-05-01"}]', "application/json"), ("k,t\nc,2024-05-01\n", "text/csv")):
        response = client.post("/predict", content=body, headers={"Content-Type": ctype})
        assert response.status_code == 422
        [error] = _detail(response)
        assert error["column"] == "k" and error["row"] == 0 and "'a'" in error["expected"]
    for body, ctype in (('[{"k": "a", "t": "potato"}]', "application/json"), ("k,t\na,potato\n", "text/csv")):
        response = client.post("/predict", content=body, headers={"Content-Type": ctype})
        assert response.status_code == 422
        [error] = _detail(response)
        assert error["column"] == "t" and error["row"] == 0 and "potato" in error["received"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("[{\"B\": 1,", "application/json"),
        ("", "application/json"),
        ("   ", "text/csv"),
        ("B,C,D\n1,2\n3,4,5,6\n", "text/csv"),
        ("not arrow at all", ARROW),
        (b"\x00\x00\x00\x80junkjunk", ARROW),  # pyarrow: OSError "negative continuation token"
        (b"\xff\xff\xff\xff\x00\x00\x00\x80abcd", ARROW),  # OSError "negative metadata length"
        (b"\x00\x00\x00\x80junkjunk", "application/vnd.apache.arrow.file"),
        ('{"B": 1, "C": 2, "D": 3}', "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('{"columns": ["B", "C", "D"], "data": [[1, 2]]}', "application/json"),
        ('"text"', "application/json"),
        ("[]", "application/json"),
    ],
    ids=["malformed-json", "empty", "empty-csv", "ragged-csv", "malformed-arrow", "arrow-negative-token",
         "arrow-negative-length", "malformed-arrow-file", "lone-object", "scalars",
         "short-row", "string", "no-rows"],
)  # fmt: skip
def test_malformed_and_misshapen_bodies_are_4xx_with_structured_errors(client, body, content_type):
    response = client.post("/predict", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 422, response.text
    detail = _detail(response)
    assert all(item["expected"] and item["received"] for item in detail)


def test_extra_columns_ignored_by_default_and_rejectable(regression):
    row = [{"B": 1, "C": 2, "D": 3, "E": "extra"}]
    assert TestClient(vetiver.VetiverAPI(regression).app).post("/predict", json=row).status_code == 200
    strict = TestClient(vetiver.VetiverAPI(regression, extra_columns="forbid").app)
    response = strict.post("/predict", json=row)
    assert response.status_code == 422
    [error] = _detail(response)
    assert error["column"] == "E"
    assert strict.post("/predict", json=[{"B": 1, "C": 2, "D": 3}]).status_code == 200
    with pytest.raises(ValueError, match="extra_columns"):
        vetiver.VetiverAPI(regression, extra_columns="warn")


def test_unsupported_media_type_is_415(client):
    response = client.post("/predict", content="B=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415
    assert "text/csv" in response.json()["detail"]


def test_oversized_body_is_413(regression):
    client = TestClient(vetiver.VetiverAPI(regression, max_body_size=1000).app)
    small = _frame(2).to_dict("records")
    assert client.post("/predict", json=small).status_code == 200
    response = client.post("/predict", json=_frame(200).to_dict("records"))
    assert response.status_code == 413 and "1000" in response.json()["detail"]

    # Without a Content-Length (a chunked upload) the limit still holds.
    def chunks():
        yield b"["
        for _ in range(100):
            yield b'{"B": 1, "C": 2, "D": 3},'
        yield b'{"B": 1, "C": 2, "D": 3}]'

    assert client.post("/predict", content=chunks()).status_code == 413


class Exploding:
    """A model that fails at predict time, with a secret in its traceback only."""

    def predict(self, frame):
        secret = "do-not-leak"  # noqa: F841 - visible only in a traceback
        raise RuntimeError("boom")


def test_model_error_is_500_without_traceback_and_server_keeps_serving(regression):
    X = _frame(3)
    api = vetiver.VetiverAPI(vetiver.VetiverModel(vetiver.BaseHandler(Exploding(), X), "bad", prototype_data=X))
    client = TestClient(api.app, raise_server_exceptions=False)
    response = client.post("/predict", json=X.to_dict("records"))
    assert response.status_code == 500
    detail = response.json()["detail"]
    assert "RuntimeError" in detail and "boom" in detail
    assert "Traceback" not in response.text and "do-not-leak" not in response.text and ".py" not in response.text
    assert client.get("/ping").json() == {"ping": "pong"}
    assert client.post("/predict", json=X.to_dict("records")).status_code == 500  # still answering


def test_custom_endpoints_and_prediction_types():
    X = _frame(60)
    y = (X["B"] > 50).astype(int)
    v = vetiver.VetiverModel(LogisticRegression(max_iter=500).fit(X, y), "clf", prototype_data=X)
    api = vetiver.VetiverAPI(v)
    client = TestClient(api.app)
    client.get("/openapi.json")  # the document is built before the endpoints below exist

    def total(data: pd.DataFrame, scale: int = 1) -> list:
        """Row sums, scaled."""
        return (data.sum(axis=1) * scale).tolist()

    api.vetiver_post(total, scale=2)
    api.vetiver_post("predict_proba")
    api.vetiver_post("predict_log_proba", "log_proba")
    rows = X.head(2).to_dict("records")
    assert client.post("/total", json=rows).json() == {"total": (X.head(2).sum(axis=1) * 2).tolist()}
    proba = client.post("/predict_proba", json=rows).json()["predict_proba"]
    assert np.allclose(proba, v.model.predict_proba(X.head(2)))
    assert "log_proba" in client.post("/log_proba", json=rows).json()
    with pytest.raises(
        ValueError, match=r"prediction type 'invalid_type' is not available.*choose one of predict, predict_proba"
    ):
        api.vetiver_post("invalid_type")

    spec = client.get("/openapi.json").json()
    assert {"/predict", "/total", "/predict_proba", "/log_proba"} <= set(spec["paths"])
    assert spec["paths"]["/total"]["post"]["description"] == "Row sums, scaled."


def test_openapi_is_valid_3_1_with_the_prototype_as_request_schema(client):
    from openapi_spec_validator import validate

    spec = client.get("/openapi.json").json()
    validate(spec)
    assert spec["openapi"].startswith("3.1") and spec["info"]["title"] == "lm model API"
    body = spec["paths"]["/predict"]["post"]["requestBody"]["content"]
    assert {"application/json", "text/csv", ARROW} <= set(body)
    rows_schema = body["application/json"]["schema"]["oneOf"][0]
    assert rows_schema["items"] == {"$ref": "#/components/schemas/prototype"}
    assert set(body["application/json"]["example"][0]) == {"B", "C", "D"}
    assert spec["components"]["schemas"]["prototype"]["required"] == ["B", "C", "D"]
    responses = spec["paths"]["/predict"]["post"]["responses"]
    assert {"200", "413", "415", "422", "500"} <= set(responses)


def test_model_without_prototype_serves():
    X = _frame(20)
    v = vetiver.VetiverModel(LinearRegression().fit(X.to_numpy(), X["B"]), "noproto")
    assert v.prototype is None
    client = TestClient(vetiver.VetiverAPI(v).app)
    assert client.get("/prototype").status_code == 404  # 0.2.6 answered 500
    response = client.post("/predict", json=X.head(2).to_numpy().tolist())  # 0.2.6 answered 422
    assert response.status_code == 200 and len(response.json()["predict"]) == 2
    from openapi_spec_validator import validate

    validate(client.get("/openapi.json").json())


def test_check_prototype_false_passes_parsed_json(regression):
    seen = []

    def raw(data):
        seen.append(data)
        return [len(data)]

    api = vetiver.VetiverAPI(regression, check_prototype=False)
    api.vetiver_post(raw)
    client = TestClient(api.app)
    assert client.post("/raw", json=[{"anything": "goes"}]).json() == {"raw": [1]}
    assert seen == [[{"anything": "goes"}]]


def test_api_key_auth(regression):
    api = vetiver.VetiverAPI(regression, api_key="s3cret")
    client = TestClient(api.app)
    assert client.get("/ping").status_code == 200  # exempt: health checks carry no key
    assert client.get("/metadata").status_code == 401
    assert client.post("/predict", json=[{"B": 1, "C": 2, "D": 3}]).status_code == 401
    assert client.get("/metadata", headers={"Authorization": "Key wrong"}).status_code == 401
    for value in ("s3cret", "Key s3cret", "Bearer s3cret"):
        assert client.get("/metadata", headers={"Authorization": value}).status_code == 200
    custom = TestClient(vetiver.VetiverAPI(regression, api_key="k", api_key_header="X-API-Key").app)
    assert custom.get("/metadata", headers={"X-API-Key": "k"}).status_code == 200
    assert custom.get("/metadata", headers={"Authorization": "k"}).status_code == 401
    spec = client.get("/openapi.json", headers={"Authorization": "s3cret"}).json()
    assert spec["components"]["securitySchemes"]["apiKey"]["name"] == "Authorization"


def test_access_log(client, caplog):
    with caplog.at_level("INFO", logger="vetiver.access"):
        client.post("/predict", json=[{"B": 1, "C": 2, "D": 3}])
    [record] = [r for r in caplog.records if r.name == "vetiver.access"]
    assert '"POST /predict" 200' in record.getMessage()


def test_ping_is_ready_only_once_the_model_is_loaded(regression):
    release = threading.Event()

    def load():
        release.wait(10)
        return vetiver.VetiverAPI(regression).app

    app = DeferredApp(load)
    with TestClient(app) as client:  # runs lifespan startup: loading begins
        response = client.get("/ping")
        assert response.status_code == 503 and response.json() == {"ping": "loading"}
        assert client.post("/predict", json=[{"B": 1, "C": 2, "D": 3}]).status_code == 503
        release.set()
        for _ in range(100):
            if app.ready:
                break
            threading.Event().wait(0.05)
        assert client.get("/ping").json() == {"ping": "pong"}
        assert client.post("/predict", json=[{"B": 1, "C": 2, "D": 3}]).status_code == 200


def test_failed_load_reports_on_ping():
    def load():
        raise FileNotFoundError("no such pin")

    app = DeferredApp(load)
    with TestClient(app) as client:
        for _ in range(100):
            response = client.get("/ping")
            if response.json()["ping"] == "failed":
                break
            threading.Event().wait(0.05)
        assert response.status_code == 503 and "no such pin" in response.json()["detail"]


def test_large_bodies_are_predicted_off_the_event_loop(client, regression):
    X = _frame(30_000, seed=5)  # > 256 KiB of JSON
    response = client.post("/predict", json={"columns": list(X.columns), "data": X.to_numpy().tolist()})
    assert response.status_code == 200
    assert response.json()["predict"] == pytest.approx(regression.model.predict(X).tolist())


def test_mixed_schema_validates(mixed_model):
    client = TestClient(vetiver.VetiverAPI(mixed_model).app)
    rows = [{"n": None, "k": "b", "t": "2024-02-01", "s": "q"}, {"n": 1, "k": "a", "t": "2024-02-02", "s": "r"}]
    assert client.post("/predict", json=rows).json() == {"predict": [1, 0]}
    response = client.post("/predict", json=[{"n": 1, "k": "a", "t": "2024-02-02", "s": 5}])
    assert response.status_code == 422 and _detail(response)[0]["column"] == "s"


def test_deprecated_check_ptype(regression):
    with pytest.warns(DeprecationWarning):
        api = vetiver.VetiverAPI(regression, check_ptype=False)
    assert api.check_prototype is False
    with pytest.raises(TypeError):
        vetiver.VetiverAPI(regression, no_such_option=1)


def test_result_shapes_in_json_and_arrow(regression):
    api = vetiver.VetiverAPI(regression)

    def frame(data):
        return pd.DataFrame({"lo": [1.0] * len(data), "hi": [2.0] * len(data)})

    def series(data):
        return pd.Series(["a", "b"][: len(data)])

    def mapping(data):
        return {"n": len(data)}

    def array(data):
        return np.arange(len(data) * 2).reshape(len(data), 2)

    for fx in (frame, series, mapping, array):
        api.vetiver_post(fx)
    client = TestClient(api.app)
    rows = _frame(2).to_dict("records")
    assert client.post("/frame", json=rows).json() == {"lo": [1.0, 1.0], "hi": [2.0, 2.0]}
    assert client.post("/series", json=rows).json() == {"0": "a", "1": "b"}  # 0.2.6: keyed by index
    assert client.post("/mapping", json=rows).json() == {"n": 2}
    assert client.post("/array", json=rows).json() == {"array": [[0, 1], [2, 3]]}
    for path, columns in (("/frame", ["lo", "hi"]), ("/mapping", ["n"]), ("/array", ["array"])):
        response = client.post(path, json=rows, headers={"Accept": ARROW})
        assert pa.ipc.open_stream(response.content).read_all().column_names == columns
