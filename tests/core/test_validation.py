"""Vectorized request validation: conversions to exact dtypes, and errors naming row and column."""

from __future__ import annotations

import datetime
import io
import json
import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from pyarrow import csv

from vetiver.errors import PrototypeValidationError
from vetiver.schema.infer import infer_schema
from vetiver.schema.records import frame_from_columnar, frame_from_records
from vetiver.schema.types import Column, TableSchema
from vetiver.schema.validate import validate_frame

from .test_prototype import every_dtype_frame


def schema_of_columns(*columns: Column) -> TableSchema:
    return TableSchema(columns)


def errors_of(schema: TableSchema, frame: pd.DataFrame, **kw) -> list[dict]:
    with pytest.raises(PrototypeValidationError) as info:
        validate_frame(schema, frame, **kw)
    return info.value.errors


def one_error(schema: TableSchema, frame: pd.DataFrame, **kw) -> dict:
    errors = errors_of(schema, frame, **kw)
    assert len(errors) == 1, errors
    return errors[0]


def records_frame(*rows: dict) -> pd.DataFrame:
    return frame_from_records(list(rows))


# -- happy paths keep exact dtypes ------------------------------------------------------------


def test_typed_frame_validates_to_identical_frame():
    frame = every_dtype_frame()
    out = validate_frame(infer_schema(frame), frame)
    pd.testing.assert_frame_equal(out, frame)


def test_json_records_validate_to_the_prototype_dtypes():
    frame = every_dtype_frame()
    schema = infer_schema(frame)
    body = json.loads(frame.to_json(orient="records", date_format="iso", date_unit="us"))
    out = validate_frame(schema, frame_from_records(body))
    pd.testing.assert_frame_equal(out, frame)


def test_json_columnar_validates_like_records():
    frame = every_dtype_frame()
    schema = infer_schema(frame)
    body = json.loads(frame.to_json(orient="split", date_format="iso", date_unit="us", index=False))
    out = validate_frame(schema, frame_from_columnar(body))
    pd.testing.assert_frame_equal(out, frame)


def test_output_has_schema_columns_in_schema_order_and_input_index():
    schema = schema_of_columns(Column("a", "integer", "int64"), Column("b", "string", "object"))
    frame = pd.DataFrame({"extra": [0, 0], "b": ["x", "y"], "a": [1, 2]}, index=[10, 20])
    out = validate_frame(schema, frame)
    assert list(out.columns) == ["a", "b"]
    assert list(out.index) == [10, 20]
    assert out["b"].dtype == object


def test_categories_keep_levels_and_order_even_when_unused():
    schema = schema_of_columns(Column("c", "category", "category", levels=("lo", "mid", "hi"), ordered=True))
    out = validate_frame(schema, records_frame({"c": "hi"}, {"c": "lo"}))
    assert out["c"].cat.categories.tolist() == ["lo", "mid", "hi"]
    assert out["c"].cat.ordered
    assert out["c"].tolist() == ["hi", "lo"]
    assert (out["c"] > "mid").tolist() == [True, False]  # comparisons follow the level order


def test_categorical_input_is_recoded_to_the_schema_levels():
    schema = schema_of_columns(Column("c", "category", "category", levels=("a", "b", "c")))
    frame = pd.DataFrame({"c": pd.Categorical(["c", "a", None], categories=["c", "a"])})
    schema = schema_of_columns(Column("c", "category", "category", levels=("a", "b", "c"), nullable=True))
    out = validate_frame(schema, frame)
    assert out["c"].cat.categories.tolist() == ["a", "b", "c"]
    assert out["c"].tolist()[:2] == ["c", "a"] and pd.isna(out["c"].iloc[2])


def test_integer_category_levels():
    schema = schema_of_columns(Column("c", "category", "category", levels=(10, 20)))
    out = validate_frame(schema, records_frame({"c": 20}, {"c": 10}))
    assert out["c"].cat.categories.tolist() == [10, 20]
    assert one_error(schema, records_frame({"c": "10"}))["row"] == 0
    assert one_error(schema, records_frame({"c": True}, {"c": 10}))["received"] == "True"


def test_nullable_ints_stay_exact_and_use_Int64():
    schema = schema_of_columns(Column("n", "integer", "Int64", nullable=True))
    big = 2**60 + 1  # float64 would round this
    out = validate_frame(schema, records_frame({"n": big}, {"n": None}, {}))
    assert out["n"].dtype == "Int64"
    assert out["n"].iloc[0] == big
    assert out["n"].isna().tolist() == [False, True, True]


def test_nulls_in_numpy_int_and_bool_columns_fall_back_to_nullable_dtypes():
    schema = schema_of_columns(
        Column("i", "integer", "int32", nullable=True),
        Column("u", "integer", "uint8", nullable=True),
        Column("b", "boolean", "bool", nullable=True),
    )
    out = validate_frame(schema, records_frame({"i": 1, "u": 2, "b": True}, {"i": None, "u": None, "b": None}))
    assert [str(t) for t in out.dtypes] == ["Int32", "UInt8", "boolean"]


def test_number_column_accepts_ints_and_floats_and_int_column_accepts_whole_floats():
    schema = schema_of_columns(Column("f", "number", "float64"), Column("i", "integer", "int64"))
    out = validate_frame(schema, records_frame({"f": 1, "i": 1.0}, {"f": 2.5, "i": 2}))
    assert out["f"].tolist() == [1.0, 2.5] and out["f"].dtype == "float64"
    assert out["i"].tolist() == [1, 2] and out["i"].dtype == "int64"


def test_int64_input_for_narrower_and_float_targets():
    schema = schema_of_columns(Column("i", "integer", "int32"), Column("f", "number", "float32"))
    out = validate_frame(schema, pd.DataFrame({"i": np.array([1, 2], dtype="int64"), "f": [1, 2]}))
    assert out["i"].dtype == "int32" and out["f"].dtype == "float32"


def test_datetimes_parse_iso_8601_and_convert_offsets():
    schema = schema_of_columns(
        Column("naive", "datetime", "datetime64[ns]"),
        Column("utc", "datetime", "datetime64[ns, UTC]"),
        Column("paris", "datetime", "datetime64[ns, Europe/Paris]"),
    )
    body = records_frame(
        {"naive": "2020-01-01T10:00:00+02:00", "utc": "2020-01-01 10:00", "paris": "2020-01-01T10:00:00Z"},
        {"naive": "2020-01-01", "utc": "2020-01-01T10:00:00.5Z", "paris": "2020-06-01T00:00:00+00:00"},
    )
    out = validate_frame(schema, body)
    assert out["naive"].tolist() == [pd.Timestamp("2020-01-01 08:00"), pd.Timestamp("2020-01-01")]
    assert out["utc"].iloc[0] == pd.Timestamp("2020-01-01 10:00", tz="UTC")
    assert out["paris"].iloc[0] == pd.Timestamp("2020-01-01 11:00", tz="Europe/Paris")
    assert [str(t) for t in out.dtypes] == ["datetime64[ns]", "datetime64[ns, UTC]", "datetime64[ns, Europe/Paris]"]


def test_dates_accept_iso_dates_and_date_objects():
    schema = schema_of_columns(Column("d", "date", "object", nullable=True))
    out = validate_frame(schema, records_frame({"d": "2020-01-02"}, {"d": datetime.date(2021, 3, 4)}, {"d": None}))
    assert out["d"].tolist() == [datetime.date(2020, 1, 2), datetime.date(2021, 3, 4), None]


def test_string_dtypes():
    schema = schema_of_columns(
        Column("s", "string", "str"), Column("n", "string", "string", nullable=True), Column("o", "string", "object")
    )
    out = validate_frame(schema, records_frame({"s": "a", "n": None, "o": "x"}, {"s": "b", "n": "y", "o": "z"}))
    assert [str(t) for t in out.dtypes] == ["str", "string", "object"]
    assert out["n"].isna().tolist() == [True, False]


def test_any_columns_accept_anything_but_nulls_when_not_nullable():
    schema = schema_of_columns(Column("a", "any", "object"))
    out = validate_frame(schema, records_frame({"a": [1, 2]}, {"a": {"k": 1}}, {"a": "x"}))
    assert out["a"].tolist() == [[1, 2], {"k": 1}, "x"]
    assert one_error(schema, records_frame({"a": 1}, {"a": None}))["row"] == 1


def test_non_string_column_labels_match_by_name():
    frame = pd.DataFrame(np.array([[1.0, 2.0]]))  # labels 0 and 1
    schema = infer_schema(np.array([[1.0, 2.0]]))
    out = validate_frame(schema, frame)
    assert list(out.columns) == ["0", "1"]


def test_large_frame_validates():
    n = 100_000
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "i": rng.integers(0, 100, n),
            "f": rng.random(n),
            "b": rng.random(n) > 0.5,
            "s": pd.Series(rng.choice(["a", "bb"], n), dtype="str"),
            "c": pd.Categorical(rng.choice(["x", "y"], n), categories=["x", "y", "z"]),
            "t": pd.date_range("2020-01-01", periods=n, freq="min").astype("datetime64[ns]"),
        }
    )
    schema = infer_schema(frame)
    pd.testing.assert_frame_equal(validate_frame(schema, frame), frame)
    records = frame.head(5000).astype({"t": str}).to_dict(orient="records")
    assert validate_frame(schema, frame_from_records(records))["t"].dtype == "datetime64[ns]"
    as_text = frame.astype(str)
    pd.testing.assert_frame_equal(validate_frame(schema, as_text, from_text=True), frame)


# -- errors ------------------------------------------------------------------------------------


def test_missing_columns_are_errors_without_rows():
    schema = schema_of_columns(Column("a", "integer", "int64"), Column("b", "number", "float64"))
    error = one_error(schema, pd.DataFrame({"a": [1]}))
    assert error["column"] == "b" and error["row"] is None
    assert error["expected"] == "number" and "missing" in error["received"]


def test_extra_columns_are_dropped_or_forbidden():
    schema = schema_of_columns(Column("a", "integer", "int64"))
    frame = pd.DataFrame({"a": [1], "x": [2], "y": [3]})
    assert list(validate_frame(schema, frame).columns) == ["a"]
    errors = errors_of(schema, frame, extra="forbid")
    assert [(e["column"], e["row"]) for e in errors] == [("x", None), ("y", None)]
    assert all("extra" in e["message"] for e in errors)
    with pytest.raises(ValueError):
        validate_frame(schema, frame, extra="allow")


def test_empty_frame_is_an_error():
    schema = schema_of_columns(Column("a", "integer", "int64"))
    error = one_error(schema, pd.DataFrame({"a": pd.Series([], dtype="int64")}))
    assert error["row"] is None and error["received"] == "0 rows"
    assert "at least one row" in error["message"]
    assert one_error(schema, frame_from_records([]))["received"] == "0 rows"  # no missing-column noise


def test_duplicate_columns_are_an_error():
    schema = schema_of_columns(Column("a", "integer", "int64"))
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    assert one_error(schema, frame)["column"] == "a"


@pytest.mark.parametrize(
    ("column", "values", "bad_row", "received"),
    [
        (Column("i", "integer", "int64"), [1, "x", 3], 1, "'x'"),
        (Column("i", "integer", "int64"), [1, 2, "3"], 2, "'3'"),  # text is not an integer in JSON
        (Column("i", "integer", "int64"), [1.5, 2, 3], 0, "1.5"),
        (Column("i", "integer", "int64"), [1, True, 3], 1, "True"),
        (Column("i", "integer", "int32"), [1, 2**40, 3], 1, str(2**40)),
        (Column("i", "integer", "uint8"), [1, -1, 3], 1, "-1"),
        (Column("f", "number", "float64"), [1.5, "2.5", 3], 1, "'2.5'"),
        (Column("f", "number", "float64"), [1.5, False, 3], 1, "False"),
        (Column("b", "boolean", "bool"), [True, 1, False], 1, "1"),
        (Column("b", "boolean", "bool"), [True, "true", False], 1, "'true'"),
        (Column("s", "string", "str"), ["a", "b", 3], 2, "3"),
        (Column("s", "string", "object"), [["a"], "b", "c"], 0, "['a']"),
        (Column("t", "datetime", "datetime64[ns]"), ["2020-01-01", "yesterday", "2020-01-02"], 1, "'yesterday'"),
        (Column("t", "datetime", "datetime64[ns]"), ["2020-01-01", 1577836800, "2020-01-02"], 1, "1577836800"),
        (Column("t", "datetime", "datetime64[ns]"), ["2020-02-30", "2020-01-01", "2020-01-02"], 0, "'2020-02-30'"),
        (Column("d", "date", "object"), ["2020-01-01", "2020-01-01T10:00", "2020-01-02"], 1, "'2020-01-01T10:00'"),
    ],
)
def test_type_errors_name_row_column_expected_and_received(column, values, bad_row, received):
    schema = schema_of_columns(column)
    frame = frame_from_records([{column.name: v} for v in values])
    error = one_error(schema, frame)
    assert error["row"] == bad_row
    assert error["column"] == column.name
    assert error["received"] == received
    assert error["expected"]
    assert (
        error["message"] == f"column {column.name!r}, row {bad_row}: expected {error['expected']}, received {received}"
    )


def test_category_error_lists_the_levels():
    schema = schema_of_columns(Column("c", "category", "category", levels=("a", "b")))
    error = one_error(schema, records_frame({"c": "a"}, {"c": "z"}))
    assert error["row"] == 1 and error["received"] == "'z'"
    assert error["expected"] == "one of ['a', 'b']"


@pytest.mark.parametrize(
    "column",
    [
        Column("x", "integer", "int64"),
        Column("x", "number", "float64"),
        Column("x", "boolean", "bool"),
        Column("x", "string", "str"),
        Column("x", "category", "category", levels=("a",)),
        Column("x", "datetime", "datetime64[ns]"),
        Column("x", "date", "object"),
    ],
)
def test_nulls_in_non_nullable_columns_name_the_row(column):
    schema = schema_of_columns(column)
    example = {"integer": 1, "number": 1.0, "boolean": True, "string": "a", "category": "a"}.get(
        column.kind, "2020-01-01"
    )
    frame = records_frame({"x": example}, {"x": None}, {})  # explicit null, then a missing key
    errors = errors_of(schema, frame)
    assert [(e["row"], e["received"]) for e in errors] == [(1, "null"), (2, "null")]
    assert "not null" in errors[0]["expected"]
    nullable = schema_of_columns(Column(**{**column.__dict__, "nullable": True}))
    assert validate_frame(nullable, frame)["x"].isna().tolist() == [False, True, True]


@pytest.mark.parametrize(
    ("constraints", "good", "bad", "expected"),
    [
        ({"minimum": 0}, 0, -1, "a number >= 0"),
        ({"maximum": 10}, 10, 11, "a number <= 10"),
        ({"exclusiveMinimum": 0}, 1, 0, "a number > 0"),
        ({"exclusiveMaximum": 10}, 9, 10, "a number < 10"),
        ({"multipleOf": 5}, 10, 12, "a multiple of 5"),
        ({"enum": [1, 2]}, 2, 3, "one of [1, 2]"),
    ],
)
def test_numeric_constraints(constraints, good, bad, expected):
    for kind, dtype in (("integer", "int64"), ("number", "float64")):
        schema = schema_of_columns(Column("x", kind, dtype, constraints=constraints))
        validate_frame(schema, records_frame({"x": good}))
        error = one_error(schema, records_frame({"x": good}, {"x": bad}))
        assert (error["row"], error["expected"]) == (1, expected)


def test_float_multiple_of():
    schema = schema_of_columns(Column("x", "number", "float64", constraints={"multipleOf": 0.1}))
    validate_frame(schema, records_frame({"x": 0.3}, {"x": 1.2}))
    assert one_error(schema, records_frame({"x": 0.25}))["expected"] == "a multiple of 0.1"


@pytest.mark.parametrize(
    ("constraints", "good", "bad", "expected"),
    [
        ({"minLength": 2}, "ab", "a", "a length >= 2"),
        ({"maxLength": 2}, "ab", "abc", "a length <= 2"),
        ({"pattern": "^[a-z]+$"}, "ab", "aB", "text matching '^[a-z]+$'"),
        ({"pattern": "[0-9]"}, "a1b", "ab", "text matching '[0-9]'"),  # unanchored, as in JSON Schema
        ({"enum": ["x", "y"]}, "y", "z", "one of ['x', 'y']"),
    ],
)
def test_string_constraints(constraints, good, bad, expected):
    for dtype in ("str", "object", "string"):
        schema = schema_of_columns(Column("s", "string", dtype, constraints=constraints))
        validate_frame(schema, records_frame({"s": good}))
        error = one_error(schema, records_frame({"s": good}, {"s": bad}))
        assert (error["row"], error["expected"], error["received"]) == (1, expected, repr(bad))


def test_constraints_skip_nulls():
    schema = schema_of_columns(Column("x", "integer", "Int64", nullable=True, constraints={"minimum": 5}))
    assert validate_frame(schema, records_frame({"x": None}, {"x": 6}))["x"].tolist()[1] == 6


def test_many_bad_rows_are_capped_with_a_count():
    schema = schema_of_columns(Column("x", "integer", "int64"))
    errors = errors_of(schema, frame_from_records([{"x": "bad"}] * 1000))
    per_row = [e for e in errors if e["row"] is not None]
    assert [e["row"] for e in per_row] == list(range(20))
    assert errors[-1]["row"] is None and errors[-1]["received"] == "980 more invalid rows"


def test_errors_across_columns_are_all_reported():
    schema = schema_of_columns(Column("a", "integer", "int64"), Column("b", "boolean", "bool"))
    errors = errors_of(schema, records_frame({"a": "x", "b": True}, {"a": 1, "b": "no"}))
    assert [(e["column"], e["row"]) for e in errors] == [("a", 0), ("b", 1)]


def test_error_object_str_to_dict_and_pickle():
    schema = schema_of_columns(Column("B", "integer", "int64"))
    with pytest.raises(PrototypeValidationError) as info:
        validate_frame(schema, records_frame(*({"B": v} for v in [1, 2, 3, "x"])))
    error = info.value
    assert isinstance(error, ValueError)
    assert str(error) == "1 validation error: column 'B', row 3: expected integer, received 'x'"
    body = error.to_dict()
    assert body == {
        "detail": [
            {
                "row": 3,
                "column": "B",
                "expected": "integer",
                "received": "'x'",
                "message": "column 'B', row 3: expected integer, received 'x'",
            }
        ]
    }
    json.dumps(body)
    again = pickle.loads(pickle.dumps(error))
    assert again.errors == error.errors and str(again) == str(error)


def test_str_summarizes_the_first_errors():
    schema = schema_of_columns(Column("x", "integer", "int64"))
    with pytest.raises(PrototypeValidationError) as info:
        validate_frame(schema, frame_from_records([{"x": "bad"}] * 8))
    text = str(info.value)
    assert text.startswith("8 validation errors: column 'x', row 0:")
    assert text.endswith("and 3 more")
    assert "\n" not in text


def test_validate_frame_needs_a_dataframe():
    with pytest.raises(TypeError):
        validate_frame(schema_of_columns(Column("x", "integer", "int64")), [{"x": 1}])  # type: ignore[arg-type]


# -- CSV (text) mode -----------------------------------------------------------------------------


def csv_frame(text: str, schema: TableSchema) -> pd.DataFrame:
    """What the server reads from a CSV body: every schema column as text, empty fields as ""."""
    options = csv.ConvertOptions(column_types={n: pa.string() for n in schema.names}, strings_can_be_null=False)
    return csv.read_csv(io.BytesIO(text.encode()), convert_options=options).to_pandas()


def test_text_mode_parses_numbers_booleans_and_datetimes():
    schema = schema_of_columns(
        Column("i", "integer", "int64"),
        Column("n", "integer", "Int64", nullable=True),
        Column("f", "number", "float64", nullable=True),
        Column("b", "boolean", "bool"),
        Column("c", "category", "category", levels=(1, 2)),
        Column("s", "string", "str"),
        Column("t", "datetime", "datetime64[ns]"),
    )
    text = "i,n,f,b,c,s,t\n1,,1.5,true,1,007,2020-01-01\n2,5,,False,2,,2020-01-01T10:00:00Z\n3,6,1e3,1,1,x,2020-01-02\n"
    out = validate_frame(schema, csv_frame(text, schema), from_text=True)
    assert out["i"].tolist() == [1, 2, 3]
    assert out["n"].isna().tolist() == [True, False, False]
    assert out["f"].tolist()[0] == 1.5 and np.isnan(out["f"].iloc[1]) and out["f"].iloc[2] == 1000.0
    assert out["b"].tolist() == [True, False, True]
    assert out["c"].tolist() == [1, 2, 1]
    assert out["s"].tolist() == ["007", "", "x"]  # text columns stay text; "" is a value there
    assert out["t"].iloc[1] == pd.Timestamp("2020-01-01 10:00")
    assert [str(t) for t in out.dtypes] == ["int64", "Int64", "float64", "bool", "category", "str", "datetime64[ns]"]


def test_text_mode_also_accepts_object_text_and_already_parsed_columns():
    schema = schema_of_columns(Column("i", "integer", "int64"), Column("b", "boolean", "bool"))
    frame = pd.DataFrame({"i": pd.Series(["1", "2"], dtype=object), "b": pd.Series(["0", "TRUE"], dtype=object)})
    out = validate_frame(schema, frame, from_text=True)
    assert out["i"].tolist() == [1, 2] and out["b"].tolist() == [False, True]
    parsed = pd.DataFrame({"i": [1, 2], "b": [0, 1]})  # e.g. read with type inference
    assert validate_frame(schema, parsed, from_text=True)["b"].tolist() == [False, True]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        (Column("x", "integer", "int64"), "x1"),
        (Column("x", "integer", "int64"), "1.5"),
        (Column("x", "integer", "int64"), "0x10"),
        (Column("x", "number", "float64"), "one"),
        (Column("x", "boolean", "bool"), "yes"),
        (Column("x", "boolean", "bool"), "2"),
        (Column("x", "category", "category", levels=(1, 2)), "3"),
        (Column("x", "datetime", "datetime64[ns]"), "soon"),
        (Column("x", "integer", "int64"), ""),  # empty field = null in a non-nullable column
    ],
)
def test_text_mode_errors_name_the_row(column, value):
    schema = schema_of_columns(column)
    good = {"integer": "1", "number": "1", "boolean": "true", "category": "1"}.get(column.kind, "2020-01-01")
    frame = pd.DataFrame({"x": pd.Series([good, value, good], dtype="str")})
    error = one_error(schema, frame, from_text=True)
    assert (error["row"], error["column"]) == (1, "x")
    assert error["received"] == ("null" if value == "" else repr(value))


def test_json_mode_rejects_text_that_text_mode_accepts():
    schema = schema_of_columns(Column("x", "integer", "int64"))
    frame = pd.DataFrame({"x": pd.Series(["1", "2"], dtype="str")})
    assert len(errors_of(schema, frame)) == 2
    assert validate_frame(schema, frame, from_text=True)["x"].tolist() == [1, 2]


# -- request bodies to frames ------------------------------------------------------------------


def test_frame_from_records_keeps_mixed_values_as_objects():
    frame = frame_from_records([{"a": 1, "b": "x"}, {"a": "y", "b": None}, {"b": "z", "a": 2.5}])
    assert set(frame.dtypes) == {np.dtype(object)}
    assert frame["a"].tolist() == [1, "y", 2.5]
    assert type(frame["a"].iloc[0]) is int


def test_frame_from_records_with_missing_and_extra_keys():
    frame = frame_from_records([{"a": 1}, {"b": 2}, {"a": 3, "b": 4}])
    assert list(frame.columns) == ["a", "b"]
    assert frame["a"].isna().tolist() == [False, True, False]


@pytest.mark.parametrize("body", [{"a": 1}, "x", None])
def test_frame_from_records_needs_a_list(body):
    with pytest.raises(PrototypeValidationError) as info:
        frame_from_records(body)
    assert info.value.errors[0]["row"] is None


def test_frame_from_records_names_rows_that_are_not_objects():
    with pytest.raises(PrototypeValidationError) as info:
        frame_from_records([{"a": 1}, [1, 2], {"a": 2}, 5])
    assert [(e["row"], e["received"]) for e in info.value.errors] == [(1, "[1, 2]"), (3, "5")]


def test_frame_from_columnar():
    frame = frame_from_columnar({"columns": ["a", "b"], "data": [[1, "x"], [2.5, [1]]], "index": [7, 8]})
    assert list(frame.columns) == ["a", "b"] and set(frame.dtypes) == {np.dtype(object)}
    assert frame["b"].tolist() == ["x", [1]]
    empty = frame_from_columnar({"columns": ["a"], "data": []})
    assert list(empty.columns) == ["a"] and len(empty) == 0


@pytest.mark.parametrize(
    ("payload", "rows"),
    [
        ({"columns": ["a", "b"], "data": [[1, 2], [3], [4, 5, 6]]}, [1, 2]),
        ({"columns": ["a"], "data": [[1], "x"]}, [1]),
        ({"columns": ["a"], "data": [[1], {"a": 1}]}, [1]),
    ],
)
def test_frame_from_columnar_names_rows_of_the_wrong_shape(payload, rows):
    with pytest.raises(PrototypeValidationError) as info:
        frame_from_columnar(payload)
    assert [e["row"] for e in info.value.errors] == rows
    assert "value" in info.value.errors[0]["expected"]


@pytest.mark.parametrize(
    "payload",
    [[1, 2], {"columns": "a", "data": []}, {"columns": ["a"]}, {"columns": ["a", "a"], "data": [[1, 2]]}],
)
def test_frame_from_columnar_rejects_malformed_payloads(payload):
    with pytest.raises(PrototypeValidationError):
        frame_from_columnar(payload)


def test_output_and_input_frames_are_independent():
    frame = every_dtype_frame()
    before = frame.copy(deep=True)
    out = validate_frame(infer_schema(frame), frame)
    snapshot = out.copy(deep=True)
    for name in out.columns:  # writing to the output must neither fail nor reach the input
        out.loc[0, name] = out[name].iloc[1]
    pd.testing.assert_frame_equal(frame, before)
    out = validate_frame(infer_schema(frame), frame)
    for name in frame.columns:
        frame.loc[0, name] = frame[name].iloc[1]
    pd.testing.assert_frame_equal(out, snapshot)


def test_arrow_backed_dtypes_round_trip():
    frame = pd.DataFrame(
        {
            "i": pd.array([1, None], dtype="int64[pyarrow]"),
            "f": pd.array([1.5, 2.0], dtype="double[pyarrow]"),
            "b": pd.array([True, None], dtype="bool[pyarrow]"),
            "d": pd.array([datetime.date(2020, 1, 1), None], dtype=pd.ArrowDtype(pa.date32())),
        }
    )
    schema = infer_schema(frame)
    assert [c.kind for c in schema.columns] == ["integer", "number", "boolean", "date"]
    pd.testing.assert_frame_equal(validate_frame(schema, frame), frame)
    body = frame_from_records([{"i": 3, "f": 1, "b": False, "d": "2021-02-03"}])
    out = validate_frame(schema, body)
    assert [str(t) for t in out.dtypes] == [str(t) for t in frame.dtypes]
    assert out["d"].iloc[0] == datetime.date(2021, 2, 3)
