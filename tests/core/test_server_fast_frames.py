"""The serving fast path (vetiver.serving.fast_frames) never disagrees with vetiver.schema.validate: whatever it
accepts, validate_frame accepts with an equal frame; anything else it hands back (None)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from vetiver.errors import PrototypeValidationError
from vetiver.schema.infer import infer_schema
from vetiver.schema.records import frame_from_columnar, frame_from_records
from vetiver.schema.types import Column, TableSchema
from vetiver.schema.validate import validate_frame
from vetiver.serving.fast_frames import FrameDecoder

SCHEMAS = {
    "floats": infer_schema(pd.DataFrame({"a": [0.5], "b": [1.5], "c": [2.5]})),
    "ints": infer_schema(pd.DataFrame({"a": [1], "b": [2]})),
    "int32": TableSchema((Column("a", "integer", "int32", example=1), Column("b", "integer", "int32", example=2))),
    "mixed": infer_schema(pd.DataFrame({"i": [1], "f": [1.5], "ok": [True], "s": ["x"]})),
    "one": infer_schema(pd.DataFrame({"only": [1.0]})),
}

VALUES = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
    st.lists(st.integers(), max_size=2),
)


def _reference(schema: TableSchema, payload, extra: str) -> pd.DataFrame | None:
    try:
        frame = frame_from_columnar(payload) if isinstance(payload, dict) else frame_from_records(payload)
        return validate_frame(schema, frame, extra=extra)
    except PrototypeValidationError:
        return None


@st.composite
def payloads(draw, schema: TableSchema):
    names = [*schema.names, *draw(st.lists(st.sampled_from(["extra", "z"]), max_size=1, unique=True))]
    keep = draw(st.lists(st.sampled_from(names), min_size=len(names) - 1, max_size=len(names), unique=True))
    rows = draw(st.lists(st.fixed_dictionaries({n: VALUES for n in keep}), min_size=0, max_size=5))
    if draw(st.booleans()):
        return {"columns": keep, "data": [[row[n] for n in keep] for row in rows]}
    return rows


@pytest.mark.parametrize("extra", ["ignore", "forbid"])
@pytest.mark.parametrize("name", list(SCHEMAS))
def test_fast_path_agrees_with_validate_frame(name, extra):
    schema = SCHEMAS[name]
    decoder = FrameDecoder(schema, extra=extra)
    assert decoder.enabled

    @settings(max_examples=150, deadline=None)
    @given(payloads(schema))
    def check(payload):
        fast = decoder.decode(payload)
        if fast is None:
            return
        reference = _reference(schema, payload, extra)
        assert reference is not None, f"fast path accepted what validate_frame rejects: {payload!r}"
        assert_frame_equal(fast, reference)

    check()


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_fast_path_takes_plain_valid_rows(name):
    schema = SCHEMAS[name]
    example = schema.to_legacy()
    rows = [example, example]
    fast = FrameDecoder(schema).decode(rows)
    assert fast is not None
    assert_frame_equal(fast, validate_frame(schema, frame_from_records(rows)))
    columnar = {"columns": list(reversed(schema.names)), "data": [list(reversed(list(example.values())))] * 2}
    assert_frame_equal(FrameDecoder(schema).decode(columnar), fast)


@pytest.mark.parametrize(
    "payload",
    [
        [{"a": 1, "b": 2**40}],  # out of int32 range
        [{"a": 1.0, "b": 2}],  # integral float: validate_frame decides
        [{"a": True, "b": 2}],  # bool is not an integer
        [{"a": None, "b": 2}],
        [{"a": 1}],
        [],
        [[1, 2]],
        "rows",
    ],
)
def test_anything_doubtful_falls_back(payload):
    assert FrameDecoder(SCHEMAS["int32"]).decode(payload) is None


def test_schemas_it_cannot_handle_are_disabled():
    nullable = TableSchema((Column("a", "number", "float64", nullable=True),))
    constrained = TableSchema((Column("a", "integer", "int64", constraints={"minimum": 0}),))
    dated = infer_schema(pd.DataFrame({"t": pd.to_datetime(["2024-01-01"])}))
    category = infer_schema(pd.DataFrame({"k": pd.Categorical(["a"])}))
    for schema in (nullable, constrained, dated, category):
        assert not FrameDecoder(schema).enabled
        assert FrameDecoder(schema).decode([{c: 1 for c in schema.names}]) is None


def test_block_frame_is_one_float_block():
    frame = FrameDecoder(SCHEMAS["floats"]).decode([{"a": 1, "b": 2.5, "c": 3}])
    assert frame.dtypes.tolist() == [np.dtype("float64")] * 3
    assert frame.to_numpy().tolist() == [[1.0, 2.5, 3.0]]
