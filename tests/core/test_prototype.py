"""Prototypes: schema inference, lossless JSON round trips, 0.2.6 forms and pydantic classes."""

from __future__ import annotations

import datetime
import enum
import json
import pickle
from typing import Literal, Optional

import numpy as np
import pandas as pd
import pyarrow as pa
import pydantic
import pytest
from pydantic import BaseModel, Field

from vetiver.prototype import (
    Column,
    InvalidPTypeError,
    Prototype,
    TableSchema,
    create_prototype,
    infer_schema,
    schema_of,
    vetiver_create_prototype,
    vetiver_create_ptype,
)


def every_dtype_frame() -> pd.DataFrame:
    """One column per dtype the schema must restore exactly."""
    return pd.DataFrame(
        {
            "int64": np.array([3, 1, 2], dtype="int64"),
            "int32": np.array([3, 1, 2], dtype="int32"),
            "uint8": np.array([3, 1, 2], dtype="uint8"),
            "Int64": pd.array([None, 1, 2], dtype="Int64"),
            "float64": [1.5, np.nan, 2.0],
            "float32": np.array([1.5, 2.5, 3.5], dtype="float32"),
            "Float64": pd.array([1.5, None, 2.0], dtype="Float64"),
            "bool": [True, False, True],
            "boolean": pd.array([True, None, False], dtype="boolean"),
            "str": pd.Series(["a", "b", "c"], dtype="str"),
            "string": pd.array(["a", None, "c"], dtype="string"),
            "string_python": pd.array(["a", "b", "c"], dtype="string[python]"),
            "object": pd.Series(["x", "y", None], dtype=object),
            "category": pd.Categorical(["lo", "hi", "lo"], categories=["lo", "mid", "hi"], ordered=True),
            "category_int": pd.Categorical([10, 20, 10]),
            "category_na": pd.Categorical(["a", None, "b"]),
            "datetime_ns": pd.to_datetime(["2020-01-01 10:00", None, "2021-06-01 00:00"]).astype("datetime64[ns]"),
            "datetime_us": pd.to_datetime(["2020-01-01 10:00", "2020-01-02 00:00", "2021-06-01 00:00"]).astype(
                "datetime64[us]"
            ),
            "datetime_utc": pd.to_datetime(["2020-01-01T10:00Z"] * 3).astype("datetime64[ns, UTC]"),
            "datetime_tz": pd.to_datetime(["2020-01-01T10:00Z"] * 3).tz_convert("Europe/Paris"),
            "date": [datetime.date(2020, 1, 2), datetime.date(2020, 1, 3), None],
            "anything": [1, "x", None],
        }
    )


EXPECTED = {
    # name: (kind, dtype, nullable, example)
    "int64": ("integer", "int64", False, 3),
    "int32": ("integer", "int32", False, 3),
    "uint8": ("integer", "uint8", False, 3),
    "Int64": ("integer", "Int64", True, 1),
    "float64": ("number", "float64", True, 1.5),
    "float32": ("number", "float32", False, 1.5),
    "Float64": ("number", "Float64", True, 1.5),
    "bool": ("boolean", "bool", False, True),
    "boolean": ("boolean", "boolean", True, True),
    "str": ("string", "str", False, "a"),
    "string": ("string", "string", True, "a"),
    "string_python": ("string", "string[python]", True, "a"),
    "object": ("string", "object", True, "x"),
    "category": ("category", "category", False, "lo"),
    "category_int": ("category", "category", False, 10),
    "category_na": ("category", "category", True, "a"),
    "datetime_ns": ("datetime", "datetime64[ns]", True, "2020-01-01T10:00:00"),
    "datetime_us": ("datetime", "datetime64[us]", False, "2020-01-01T10:00:00"),
    "datetime_utc": ("datetime", "datetime64[ns, UTC]", False, "2020-01-01T10:00:00+00:00"),
    "datetime_tz": ("datetime", "datetime64[us, Europe/Paris]", False, "2020-01-01T11:00:00+01:00"),
    "date": ("date", "object", True, "2020-01-02"),
    "anything": ("any", "object", True, 1),
}


@pytest.fixture
def frame() -> pd.DataFrame:
    return every_dtype_frame()


@pytest.fixture
def schema(frame) -> TableSchema:
    return infer_schema(frame)


def assert_same_dtypes(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(result.columns) == list(expected.columns)
    for name in expected.columns:
        assert result[name].dtype == expected[name].dtype, name


# -- inference -------------------------------------------------------------------------------


def test_infer_from_dataframe_every_dtype(schema, frame):
    assert schema.names == list(frame.columns)
    for col in schema.columns:
        kind, dtype, nullable, example = EXPECTED[col.name]
        assert (col.kind, col.dtype, col.nullable, col.example) == (kind, dtype, nullable, example), col.name


def test_infer_categorical_levels_and_order(schema):
    by_name = {c.name: c for c in schema.columns}
    assert by_name["category"].levels == ("lo", "mid", "hi")
    assert by_name["category"].ordered is True
    assert by_name["category_int"].levels == (10, 20)
    assert by_name["category_int"].ordered is False


def test_examples_are_plain_json_values(schema):
    for col in schema.columns:
        assert type(col.example) in (int, float, bool, str), (col.name, type(col.example))
    json.dumps(schema.to_json_schema())  # no numpy scalars, timestamps or NaN anywhere
    json.dumps(schema.to_legacy())


def test_example_is_first_non_null_value():
    schema = infer_schema(pd.DataFrame({"x": [np.nan, 7.5], "y": [None, None]}))
    assert schema.columns[0].example == 7.5
    assert schema.columns[1].example is None
    assert schema.columns[1].kind == "any" and schema.columns[1].nullable


def test_object_columns_are_typed_by_their_values():
    frame = pd.DataFrame(
        {
            "ints": pd.Series([1, 2], dtype=object),
            "floats": pd.Series([1.5, 2], dtype=object),
            "bools": pd.Series([True, None], dtype=object),
            "when": pd.Series([datetime.datetime(2020, 1, 1), None], dtype=object),
        }
    )
    kinds = {c.name: (c.kind, c.dtype, c.nullable) for c in infer_schema(frame).columns}
    assert kinds == {
        "ints": ("integer", "object", False),
        "floats": ("number", "object", False),
        "bools": ("boolean", "object", True),
        "when": ("datetime", "object", True),
    }


def test_nullable_extension_dtypes_are_nullable_without_missing_values():
    frame = pd.DataFrame({"a": pd.array([1, 2], dtype="Int64"), "b": [1, 2]})
    a, b = infer_schema(frame).columns
    assert a.nullable is True and b.nullable is False


def test_infer_from_numpy_2d_names_columns_like_0_2_6():
    schema = infer_schema(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert schema.names == ["0", "1"]
    assert [(c.kind, c.dtype, c.example) for c in schema.columns] == [("number", "float64", 1.0)] * 0 + [
        ("number", "float64", 1.0),
        ("number", "float64", 2.0),
    ]


def test_infer_from_numpy_int_array_and_structured_array():
    assert [c.dtype for c in infer_schema(np.arange(6, dtype="int32").reshape(3, 2)).columns] == ["int32", "int32"]
    structured = np.array([(1, 2.5)], dtype=[("a", "i8"), ("b", "f8")])
    assert infer_schema(structured).names == ["a", "b"]


def test_numpy_arrays_that_are_not_2d_are_rejected():
    with pytest.raises(InvalidPTypeError, match="2-D"):
        infer_schema(np.array([1, 2, 3]))


def test_infer_from_series_and_arrow_table():
    named = infer_schema(pd.Series([1, 2], name="x"))
    assert named.names == ["x"] and named.columns[0].kind == "integer"
    assert infer_schema(pd.Series(["a"])).names == ["0"]
    table = pa.table({"a": [1, 2], "b": ["x", "y"]})
    assert [c.kind for c in infer_schema(table).columns] == ["integer", "string"]


def test_infer_none_is_none():
    assert infer_schema(None) is None
    assert schema_of(None) is None
    assert vetiver_create_prototype(None) is None


@pytest.mark.parametrize("bad", [[1, 2], "B", 3, (1,), {1, 2}, object()])
def test_invalid_inputs_raise_invalid_ptype_error(bad):
    with pytest.raises(InvalidPTypeError) as info:
        infer_schema(bad)
    message = str(info.value)
    assert type(bad).__name__ in message
    assert "DataFrame" in message and "numpy" in message and "pydantic" in message
    assert isinstance(info.value, ValueError)


def test_non_model_classes_are_rejected():
    with pytest.raises(InvalidPTypeError, match="type"):
        infer_schema(int)


def test_duplicate_column_names_are_rejected():
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(InvalidPTypeError, match="duplicate"):
        infer_schema(frame)


def test_users_can_register_new_types():
    class Table:
        pass

    @infer_schema.register(Table)
    def _(data: Table) -> TableSchema:
        return TableSchema((Column("z", "integer", "int64", example=1),))

    assert infer_schema(Table()).names == ["z"]
    assert vetiver_create_prototype(Table()).model_json_schema()["properties"]["z"]["type"] == "integer"


# -- JSON schema round trips -----------------------------------------------------------------


def test_json_schema_round_trip_is_lossless(schema):
    text = json.dumps(schema.to_json_schema())
    again = TableSchema.from_json_schema(json.loads(text))
    assert again == schema
    for a, b in zip(again.columns, schema.columns, strict=True):
        assert (a.levels, a.ordered, a.constraints, a.example) == (b.levels, b.ordered, b.constraints, b.example)


def test_full_round_trip_frame_schema_json_pydantic_schema(schema, frame):
    via_json = TableSchema.from_json_schema(json.loads(json.dumps(schema.to_json_schema())))
    model = via_json.to_pydantic()
    recovered = schema_of(model)
    assert recovered == schema
    example = recovered.example_frame()
    assert_same_dtypes(example, frame)
    assert list(example["category"].cat.categories) == ["lo", "mid", "hi"]
    assert example["category"].cat.ordered


def test_to_dict_and_from_dict_are_the_json_schema():
    schema = TableSchema((Column("a", "integer", "int64", example=1),))
    assert schema.to_dict() == schema.to_json_schema()
    assert TableSchema.from_dict(schema.to_dict()) == schema


def test_json_schema_shape(schema):
    d = schema.to_json_schema()
    assert d["title"] == "prototype" and d["type"] == "object"
    assert d["required"] == schema.names
    props = d["properties"]
    assert all("title" not in p for p in props.values())
    assert props["int64"]["type"] == "integer" and props["int64"]["example"] == 3
    assert props["Int64"]["type"] == ["integer", "null"]
    assert props["float32"]["type"] == "number"
    assert props["bool"]["type"] == "boolean"
    assert props["category"]["enum"] == ["lo", "mid", "hi"] and props["category"]["type"] == "string"
    assert props["category"]["x-vetiver-ordered"] is True
    assert props["category_int"]["type"] == "integer" and props["category_int"]["enum"] == [10, 20]
    assert props["category_na"]["type"] == ["string", "null"] and props["category_na"]["enum"] == ["a", "b", None]
    assert props["datetime_utc"] == {
        "type": "string",
        "format": "date-time",
        "example": "2020-01-01T10:00:00+00:00",
        "x-vetiver-kind": "datetime",
        "x-vetiver-dtype": "datetime64[ns, UTC]",
    }
    assert props["date"]["format"] == "date"
    assert "type" not in props["anything"]


def test_constraints_round_trip():
    schema = TableSchema(
        (
            Column("n", "number", "float64", constraints={"exclusiveMinimum": 0, "maximum": 10, "multipleOf": 0.5}),
            Column("s", "string", "str", constraints={"minLength": 1, "maxLength": 3, "pattern": "^[a-z]+$"}),
            Column("e", "string", "object", constraints={"enum": ["x", "y"]}),
        )
    )
    d = schema.to_json_schema()
    assert d["properties"]["n"]["exclusiveMinimum"] == 0
    assert d["properties"]["s"]["pattern"] == "^[a-z]+$"
    again = TableSchema.from_json_schema(json.loads(json.dumps(d)))
    assert again == schema
    assert again.columns[2].kind == "string"  # x-vetiver-kind keeps an enum constraint a constraint


def test_non_nullable_any_round_trips():
    schema = TableSchema((Column("a", "any", "object", nullable=False), Column("b", "any", "object", nullable=True)))
    d = schema.to_json_schema()
    assert d["properties"]["a"]["not"] == {"type": "null"}
    assert TableSchema.from_json_schema(d) == schema


def test_reads_0_2_6_prototype_endpoint_output():
    served = {
        "properties": {"B": {"example": 92, "type": "integer"}, "C": {"example": 1.5, "type": "number"}},
        "required": ["B", "C"],
        "title": "prototype",
        "type": "object",
    }
    schema = TableSchema.from_json_schema(served)
    assert [(c.name, c.kind, c.dtype, c.nullable, c.example) for c in schema.columns] == [
        ("B", "integer", "int64", False, 92),
        ("C", "number", "float64", False, 1.5),
    ]
    assert infer_schema(served) == schema  # a dict that looks like a schema is read as one


def test_plain_schema_defaults():
    schema = TableSchema.from_json_schema(
        {
            "type": "object",
            "properties": {
                "i": {"type": ["integer", "null"]},
                "b": {"type": ["boolean", "null"]},
                "s": {"type": "string"},
                "d": {"type": "string", "format": "date"},
                "t": {"type": "string", "format": "date-time"},
                "c": {"enum": ["a", "b"]},
                "u": {"type": "string", "format": "uuid"},
                "o": {"type": "object"},
                "n": {"type": "null"},
            },
        }
    )
    cols = {c.name: c for c in schema.columns}
    assert (cols["i"].dtype, cols["i"].nullable) == ("Int64", True)
    assert (cols["b"].dtype, cols["b"].nullable) == ("boolean", True)
    assert cols["s"].dtype == str(pd.Series(["a"]).dtype)
    assert (cols["d"].kind, cols["d"].dtype) == ("date", "object")
    assert (cols["t"].kind, cols["t"].dtype) == ("datetime", "datetime64[ns]")
    assert (cols["c"].kind, cols["c"].levels) == ("category", ("a", "b"))
    assert cols["u"].kind == "string" and cols["u"].constraints == {"format": "uuid"}
    assert (cols["o"].kind, cols["o"].nullable) == ("any", False)
    assert (cols["n"].kind, cols["n"].nullable) == ("any", True)
    assert all(c.example is None for c in schema.columns)


def test_draft4_boolean_exclusive_bounds():
    schema = TableSchema.from_json_schema(
        {"type": "object", "properties": {"x": {"type": "number", "minimum": 0, "exclusiveMinimum": True}}}
    )
    assert schema.columns[0].constraints == {"exclusiveMinimum": 0}


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "object"},
        {"type": "object", "properties": {"x": 3}},
        {"type": "object", "properties": {"x": {"$ref": "#/$defs/Missing"}}},
        {"type": "object", "properties": {"x": {"type": "integer", "x-vetiver-kind": "tensor"}}},
        {"type": "object", "properties": {"x": {"type": "string", "x-vetiver-kind": "category"}}},
    ],
)
def test_malformed_json_schemas_raise(bad):
    with pytest.raises(InvalidPTypeError):
        TableSchema.from_json_schema(bad)


# -- the 0.2.6 legacy form -------------------------------------------------------------------


def test_from_legacy_infers_types_bool_before_int():
    schema = TableSchema.from_legacy({"B": 52, "C": 1.5, "D": True, "E": "x", "F": None, "G": 0, "H": False})
    kinds = [(c.kind, c.dtype, c.nullable) for c in schema.columns]
    assert kinds == [
        ("integer", "int64", False),
        ("number", "float64", False),
        ("boolean", "bool", False),
        ("string", str(pd.Series(["a"]).dtype), False),
        ("any", "object", True),
        ("integer", "int64", False),
        ("boolean", "bool", False),
    ]
    assert infer_schema({"B": 52, "C": 1.5}) == TableSchema.from_legacy({"B": 52, "C": 1.5})


def test_to_legacy_is_what_0_2_6_stores(schema):
    legacy = schema.to_legacy()
    assert legacy["int64"] == 3 and type(legacy["int64"]) is int
    assert legacy["datetime_utc"] == "2020-01-01T10:00:00+00:00"
    assert legacy["bool"] is True
    assert json.loads(json.dumps(legacy)) == legacy
    # 0.2.6 reads it back by the values' types.
    again = TableSchema.from_legacy(json.loads(json.dumps(legacy)))
    assert [c.name for c in again.columns] == schema.names
    assert {c.name: c.kind for c in again.columns}["float64"] == "number"


def test_to_legacy_uses_plain_python_scalars():
    schema = TableSchema((Column("x", "integer", "int64", example=np.int64(4)),))
    assert type(schema.to_legacy()["x"]) is int


# -- pydantic ----------------------------------------------------------------------------------


def test_create_prototype_is_0_2_6_behaviour():
    model = create_prototype(a=(int, Field(..., json_schema_extra={"example": 1})))
    assert model.__name__ == "prototype"
    assert issubclass(model, Prototype)
    assert model(a=3).a == 3


def test_to_pydantic_fields_and_json_schema():
    schema = TableSchema(
        (
            Column("i", "integer", "int64", example=1, constraints={"minimum": 0}),
            Column("f", "number", "float64", nullable=True, example=1.5, constraints={"exclusiveMaximum": 9}),
            Column("c", "category", "category", levels=("a", "b"), example="a"),
            Column("t", "datetime", "datetime64[ns]", example="2020-01-01T00:00:00"),
            Column("d", "date", "object", example="2020-01-01"),
            Column("s", "string", "str", example="x", constraints={"maxLength": 2, "enum": ["x", "yy"]}),
        )
    )
    model = schema.to_pydantic()
    assert issubclass(model, Prototype) and model.__name__ == "prototype"
    js = model.model_json_schema()
    assert js["required"] == ["i", "f", "c", "t", "d", "s"]
    assert js["properties"]["i"]["minimum"] == 0 and js["properties"]["i"]["example"] == 1
    assert js["properties"]["c"]["enum"] == ["a", "b"]
    assert js["properties"]["t"]["format"] == "date-time"
    assert js["properties"]["d"]["format"] == "date"
    assert {"type": "null"} in js["properties"]["f"]["anyOf"]
    row = model(i=1, f=None, c="a", t="2020-01-01T00:00:00", d="2020-01-01", s="yy")
    assert row.t == datetime.datetime(2020, 1, 1) and row.d == datetime.date(2020, 1, 1)
    for bad in ({"i": -1}, {"f": 10}, {"c": "z"}, {"s": "zz"}):
        with pytest.raises(pydantic.ValidationError):
            model(**{**row.model_dump(), **bad})
    assert model.__vetiver_schema__ is schema
    assert schema_of(model) is schema
    # An instance is described by its class, with its own values as the examples.
    from_row = schema_of(row)
    assert from_row.names == schema.names
    assert [c.example for c in from_row.columns] == [1, 1.5, "a", "2020-01-01T00:00:00", "2020-01-01", "yy"]


def test_to_pydantic_handles_awkward_column_names():
    schema = TableSchema(
        tuple(Column(n, "integer", "int64", example=1) for n in ("_id", "json", "model_x", "a b", "0"))
    )
    model = schema.to_pydantic()
    assert list(model.model_json_schema()["properties"]) == ["_id", "json", "model_x", "a b", "0"]
    row = model.model_validate({"_id": 1, "json": 2, "model_x": 3, "a b": 4, "0": 5})
    assert row.model_dump(by_alias=True) == {"_id": 1, "json": 2, "model_x": 3, "a b": 4, "0": 5}


def test_pydantic_class_with_constraints_optional_literal_and_enums():
    class Color(enum.Enum):
        red = "red"
        blue = "blue"

    class Input(BaseModel):
        x: int = Field(gt=0, json_schema_extra={"example": 4})
        y: Optional[float] = None  # noqa: UP045 - the Optional spelling is what users write
        z: Literal["a", "b"]
        w: Color
        v: Optional[Color] = None  # noqa: UP045
        when: datetime.datetime
        day: datetime.date
        name: str = Field(min_length=2)

    schema = infer_schema(Input)
    cols = {c.name: c for c in schema.columns}
    assert (cols["x"].kind, cols["x"].constraints, cols["x"].example) == ("integer", {"exclusiveMinimum": 0}, 4)
    assert (cols["y"].kind, cols["y"].nullable, cols["y"].dtype) == ("number", True, "float64")
    assert (cols["z"].kind, cols["z"].levels) == ("category", ("a", "b"))
    assert (cols["w"].kind, cols["w"].levels, cols["w"].nullable) == ("category", ("red", "blue"), False)
    assert (cols["v"].kind, cols["v"].nullable) == ("category", True)
    assert cols["when"].kind == "datetime" and cols["day"].kind == "date"
    assert cols["name"].constraints == {"minLength": 2}
    assert schema_of(Input) == schema
    # An instance gives its values as examples.
    instance = Input(x=3, z="b", w=Color.red, when="2020-01-01T00:00:00", day="2020-01-02", name="ab")
    by_instance = {c.name: c.example for c in infer_schema(instance).columns}
    assert by_instance["x"] == 3 and by_instance["z"] == "b" and by_instance["day"] == "2020-01-02"


def test_0_2_6_style_pydantic_prototype_with_deprecated_example():
    with pytest.warns(DeprecationWarning):
        model = create_prototype(B=(int, Field(..., example=92)), C=(str, Field(..., example="x")))  # type: ignore[call-overload]
    schema = schema_of(model)
    assert [(c.name, c.kind, c.example) for c in schema.columns] == [("B", "integer", 92), ("C", "string", "x")]


def test_subclass_with_extra_fields_does_not_reuse_parent_schema():
    parent = TableSchema((Column("a", "integer", "int64", example=1),)).to_pydantic()

    class Child(parent):  # type: ignore[misc, valid-type]
        b: str

    assert schema_of(Child).names == ["a", "b"]


def test_vetiver_create_prototype_0_2_6_entry(frame):
    model = vetiver_create_prototype(frame)
    assert issubclass(model, Prototype)
    assert schema_of(model) == infer_schema(frame)
    instance = model.model_validate(model.__vetiver_schema__.example_frame().iloc[0].to_dict())
    assert vetiver_create_prototype(instance) is instance  # instances pass through, as in 0.2.6


def test_vetiver_create_ptype_is_deprecated():
    with pytest.warns(DeprecationWarning):
        model = vetiver_create_ptype(pd.DataFrame({"a": [1]}))
    assert schema_of(model).names == ["a"]


def test_uninformative_pydantic_types_raise_invalid_ptype():
    class Weird(BaseModel):
        model_config = pydantic.ConfigDict(arbitrary_types_allowed=True)
        x: pd.Timestamp

    with pytest.raises(InvalidPTypeError):
        infer_schema(Weird)


# -- pandas --------------------------------------------------------------------------------------


def test_example_frame_restores_exact_dtypes(schema, frame):
    example = schema.example_frame()
    assert len(example) == 1
    assert_same_dtypes(example, frame)
    assert example["datetime_tz"].iloc[0] == frame["datetime_tz"].iloc[0]
    assert example["date"].iloc[0] == datetime.date(2020, 1, 2)
    assert example["category_int"].cat.categories.tolist() == [10, 20]


def test_example_frame_without_examples_uses_neutral_values():
    schema = TableSchema(
        (
            Column("i", "integer", "int64"),
            Column("c", "category", "category", levels=("x", "y")),
            Column("n", "integer", "Int64", nullable=True),
        )
    )
    example = schema.example_frame()
    assert example["i"].iloc[0] == 0 and example["c"].iloc[0] == "x" and example["n"].isna().all()
    assert example["i"].dtype == "int64" and example["n"].dtype == "Int64"


# -- schema objects -------------------------------------------------------------------------------


def test_column_and_schema_checks():
    with pytest.raises(ValueError, match="kind"):
        Column("a", "tensor")
    with pytest.raises(ValueError, match="levels"):
        Column("a", "category", "category")
    with pytest.raises(ValueError, match="duplicate"):
        TableSchema((Column("a", "integer"), Column("a", "number")))


def test_schema_is_immutable_and_hashable():
    constraints = {"minimum": 0}
    col = Column("a", "integer", "int64", constraints=constraints)
    constraints["minimum"] = 5
    assert col.constraints == {"minimum": 0}
    schema = TableSchema([col])  # a list is stored as a tuple
    assert isinstance(schema.columns, tuple)
    assert hash(schema) == hash(TableSchema((col,)))
    with pytest.raises(AttributeError):
        schema.columns = ()  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(schema)) == schema
