"""The typed records decoder (vetiver.serving.records_decoder) never disagrees with the validator: whatever
body it accepts, validate_frame accepts with equal values; anything else it hands back (None)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from tests.core.test_server_fast_frames import _reference, payloads
from vetiver.schema.infer import infer_schema
from vetiver.schema.records import frame_from_records
from vetiver.schema.types import Column, TableSchema
from vetiver.schema.validate import validate_frame
from vetiver.serving.fast_frames import FrameDecoder

SCHEMAS = {
    "floats": infer_schema(pd.DataFrame({"a": [0.5], "b c": [1.5], "class": [2.5]})),
    "ints": infer_schema(pd.DataFrame({"a": [1], "b": [2]})),
    "int32": TableSchema((Column("a", "integer", "int32", example=1), Column("b", "integer", "int32", example=2))),
    "bools": infer_schema(pd.DataFrame({"p": [True], "q": [False]})),
    "one": infer_schema(pd.DataFrame({"only": [1.0]})),
}


def _dumps(value) -> bytes:
    return json.dumps(value).encode()  # orjson refuses integers beyond 64 bits; the server reads them


def bodies(schema: TableSchema):
    """The fast-frame tests' payloads (records or columnar, odd values, missing or extra columns) as bytes."""
    return payloads(schema).map(_dumps)


@pytest.mark.parametrize("extra", ["ignore", "forbid"])
@pytest.mark.parametrize("name", list(SCHEMAS))
def test_records_decoder_agrees_with_validate_frame(name, extra):
    schema = SCHEMAS[name]
    decoder = FrameDecoder(schema, extra=extra)

    @settings(max_examples=150, deadline=None)
    @given(bodies(schema))
    def check(body):
        fast = decoder.decode_body(body, as_array=True)
        if fast is None:
            return
        reference = _reference(schema, json.loads(body), extra)
        assert reference is not None, f"records decoder accepted what validate_frame rejects: {body!r}"
        reference = reference.to_numpy()
        assert fast.dtype == reference.dtype
        np.testing.assert_array_equal(fast, reference)

    check()


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_records_decoder_takes_plain_valid_rows(name):
    schema = SCHEMAS[name]
    rows = [schema.to_legacy()] * 3
    decoder = FrameDecoder(schema)
    array = decoder.decode_body(_dumps(rows), as_array=True)
    frame = decoder.decode_body(_dumps(rows))
    expected = validate_frame(schema, frame_from_records(rows))
    np.testing.assert_array_equal(array, expected.to_numpy())
    pd.testing.assert_frame_equal(frame, expected)


def test_float_precision_survives():
    schema = SCHEMAS["floats"]
    values = np.random.default_rng(0).normal(size=(200, 3)) * 10.0 ** np.arange(-100, 100)[:200, None]
    body = _dumps([dict(zip(schema.names, row, strict=True)) for row in values.tolist()])
    np.testing.assert_array_equal(FrameDecoder(schema).decode_body(body, as_array=True), values)


@pytest.mark.parametrize(
    "body",
    [b"[]", b"{}", b"[1, 2]", b'[{"only": null}]', b'[{"only": true}]', b'[{"only": "1"}]', b'[{"x": 1.0}]',
     b'[{"only": 1.0}] trailing', b"", b"  "],
)  # fmt: skip
def test_anything_unusual_goes_to_the_general_path(body):
    assert FrameDecoder(SCHEMAS["one"]).decode_body(body, as_array=True) is None
