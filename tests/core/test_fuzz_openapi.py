"""Schema-driven fuzzing (schemathesis) of every endpoint in ``/openapi.json``: whatever a client
sends, in any documented media type, the server never answers 5xx."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sklearn.linear_model import LinearRegression

import vetiver

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402


def _app():
    X = pd.DataFrame(
        {
            "B": np.arange(20),
            "x": np.linspace(0.0, 1.0, 20),
            "ok": [True, False] * 10,
            "k": pd.Categorical(["a", "b"] * 10),
            "t": pd.date_range("2024-01-01", periods=20),
            "s": [f"s{i}" for i in range(20)],
        }
    )
    features = pd.DataFrame({"B": X["B"], "x": X["x"]})

    class TwoColumns:
        """Predicts from the numeric columns only, so every valid row has an answer."""

        def __init__(self) -> None:
            self.model = LinearRegression().fit(features, X["x"] * 2)

        def predict(self, frame: pd.DataFrame):
            return self.model.predict(frame[["B", "x"]])

    api = vetiver.VetiverAPI(vetiver.VetiverModel(vetiver.BaseHandler(TwoColumns(), X), "fuzz", prototype_data=X))

    def count(data: pd.DataFrame) -> list:
        """Counts rows."""
        return [len(data)]

    api.vetiver_post(count)
    return api.app


def _ipc(table: pa.Table, stream: bool) -> bytes:
    sink = pa.BufferOutputStream()
    with (pa.ipc.new_stream if stream else pa.ipc.new_file)(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


_ROW = st.fixed_dictionaries(
    {
        "B": st.one_of(st.integers(-(2**40), 2**40), st.none(), st.floats(allow_nan=False)),
        "x": st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none()),
        "ok": st.one_of(st.booleans(), st.none()),
        "k": st.sampled_from(["a", "b", "z", ""]),
        "t": st.datetimes(),
        "s": st.text(max_size=5),
    }
)


@st.composite
def _arrow(draw, stream: bool) -> bytes:
    """Arrow bodies with right and wrong columns, types and nulls, or plain garbage."""
    rows = draw(st.lists(_ROW, max_size=4))
    drop = draw(st.sets(st.sampled_from(["B", "x", "ok", "k", "t", "s"]), max_size=2))
    rows = [{k: v for k, v in row.items() if k not in drop} for row in rows]
    try:
        table = pa.Table.from_pylist(rows)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return draw(st.binary())
    return draw(st.one_of(st.just(_ipc(table, stream)), st.binary()))


schemathesis.openapi.media_type("application/vnd.apache.arrow.stream", _arrow(stream=True))
schemathesis.openapi.media_type("application/vnd.apache.arrow.file", _arrow(stream=False))
schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    case.call_and_validate(checks=[not_a_server_error])
