"""Small bodies cannot make the server do unbounded work (issue 9).

Each test is a body that was accepted before: a 10 KiB zstd Arrow body that inflated to 623 MiB,
an lz4 body producing a 175 MB response, 40,000 JSON column names checked in quadratic time, and
non-string column names answered with 500 ("unhashable type").
"""

from __future__ import annotations

import time

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.linear_model import LinearRegression
from starlette.testclient import TestClient

import vetiver
from vetiver.serving import body_limits

ARROW = "application/vnd.apache.arrow.stream"
ARROW_FILE = "application/vnd.apache.arrow.file"


@pytest.fixture(scope="module")
def client() -> TestClient:
    X, y = vetiver.get_mock_data(seed=0)
    model = vetiver.VetiverModel(LinearRegression().fit(X, y), "lm", prototype_data=X)
    return TestClient(vetiver.VetiverAPI(model, max_body_size=1 << 20).app)


def _arrow(table: pa.Table, compression: str | None, file_format: bool = False) -> bytes:
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression=compression)
    opener = pa.ipc.new_file if file_format else pa.ipc.new_stream
    with opener(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _zeros(rows: int) -> pa.Table:
    zeros = pa.array(np.zeros(rows, dtype=np.int64))
    return pa.table({"B": zeros, "C": zeros, "D": zeros})


@pytest.mark.parametrize("compression", ["zstd", "lz4"])
@pytest.mark.parametrize("file_format", [False, True])
def test_compressed_arrow_bomb_is_413_before_decoding(client, compression, file_format):
    body = _arrow(_zeros(2_000_000), compression, file_format)  # 48 MB decoded
    assert len(body) < 200_000  # far below the 1 MiB body limit
    started = time.perf_counter()
    response = client.post("/predict", content=body,
                           headers={"Content-Type": ARROW_FILE if file_format else ARROW})  # fmt: skip
    assert response.status_code == 413, response.text
    assert "decodes to 48000000 bytes" in response.json()["detail"]
    assert time.perf_counter() - started < 5  # nothing was inflated (a generous bound, not a benchmark)


def test_all_null_columns_count_as_values(client):
    # No buffers at all, so only the values bound (rows x columns) stops a null column bomb.
    table = pa.table({"B": pa.nulls(5_000_000), "C": pa.nulls(5_000_000), "D": pa.nulls(5_000_000)})
    response = client.post("/predict", content=_arrow(table, "zstd"), headers={"Content-Type": ARROW})
    assert response.status_code == 413
    assert "values" in response.json()["detail"]


def test_compressed_arrow_within_bounds_still_predicts(client):
    body = _arrow(_zeros(1000), "zstd")
    response = client.post("/predict", content=body, headers={"Content-Type": ARROW})
    assert response.status_code == 200
    assert len(response.json()["predict"]) == 1000


def test_decoded_size_is_read_from_metadata_only():
    table = pa.table({"s": ["x" * 100] * 1000, "n": list(range(1000))})
    for compression in (None, "zstd", "lz4"):
        size, cells, columns = body_limits.arrow_decoded_size(_arrow(table, compression), file_format=False)
        assert columns == 2 and cells == 2000
        assert size >= 100 * 1000 + 8 * 1000  # string data and offsets plus the int64s


def test_many_json_columns_are_refused_quickly_with_422(client):
    names = [f"c{i}" for i in range(40_000)]  # 40,000 names took 65 s in the quadratic check
    body = orjson.dumps({"columns": names, "data": [[0] * len(names)]})
    started = time.perf_counter()
    response = client.post("/predict", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert f"at most {body_limits.MAX_COLUMNS} columns" in response.text
    assert time.perf_counter() - started < 5


def test_duplicate_check_is_linear():
    names = [f"c{i}" for i in range(body_limits.MAX_COLUMNS)]
    started = time.perf_counter()
    assert body_limits.check_column_names(names) == names
    assert time.perf_counter() - started < 1  # the quadratic check took ~6 s for 10,000 names
    with pytest.raises(vetiver.errors.VetiverError, match="unique column names"):
        body_limits.check_column_names([*names[:10], "c3"])


@pytest.mark.parametrize(
    "columns, position",
    [([{}], 0), ([["B"], "C", "D"], 0), (["B", 3, "D"], 1), (["B", "C", None], 2)],
)
def test_non_string_column_names_are_422_naming_the_position(client, columns, position):
    body = orjson.dumps({"columns": columns, "data": [[None] * len(columns)]})
    response = client.post("/predict", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert any(f"column name {position}" in e["expected"] for e in errors), errors


def test_csv_with_too_many_columns_is_422(client):
    header = ",".join(f"c{i}" for i in range(body_limits.MAX_COLUMNS + 1))
    body = f"{header}\n{','.join('0' for _ in range(body_limits.MAX_COLUMNS + 1))}\n"
    response = client.post("/predict", content=body, headers={"Content-Type": "text/csv"})
    assert response.status_code == 422
    assert "at most" in response.text


def test_arrow_with_too_many_columns_is_422():
    X, y = vetiver.get_mock_data(seed=0)
    client = TestClient(vetiver.VetiverAPI(vetiver.VetiverModel(LinearRegression().fit(X, y), "lm", X)).app)
    table = pa.table({f"c{i}": [0] for i in range(body_limits.MAX_COLUMNS + 1)})
    response = client.post("/predict", content=_arrow(table, None), headers={"Content-Type": ARROW})
    assert response.status_code == 422
    assert "at most" in response.text


def test_pandas_frames_still_round_trip(client):
    X, _ = vetiver.get_mock_data(seed=3)
    body = _arrow(pa.Table.from_pandas(pd.DataFrame(X), preserve_index=False), "lz4")
    assert client.post("/predict", content=body, headers={"Content-Type": ARROW}).status_code == 200


@pytest.mark.parametrize("validates", [True, False])
def test_openapi_csv_schema_forbids_the_empty_body_the_server_rejects(validates):
    import jsonschema

    X, y = vetiver.get_mock_data(seed=0)
    api = vetiver.VetiverAPI(vetiver.VetiverModel(LinearRegression().fit(X, y), "lm", X), check_prototype=validates)
    csv = api.openapi()["paths"]["/predict"]["post"]["requestBody"]["content"]["text/csv"]
    client = TestClient(api.app)
    for empty in ("", " \n"):
        assert client.post("/predict", content=empty, headers={"Content-Type": "text/csv"}).status_code == 422
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(empty, csv["schema"])
    jsonschema.validate(X.head(2).to_csv(index=False), csv["schema"])
