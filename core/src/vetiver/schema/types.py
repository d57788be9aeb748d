"""Prototypes: the input schema of a model.

vetiver-python 0.2.6 built a pydantic class from the first row of the training data and stored
it as a lossy ``{"column": example}`` JSON string, so integer/float, category, date and
constraint information was lost on every pin round trip (reference §6, bug #13). Here the schema is
a small immutable :class:`TableSchema` of :class:`Column` objects that

* serializes losslessly to a plain JSON Schema (``to_json_schema``), with ``x-vetiver-*`` keys
  carrying what JSON Schema cannot (the exact pandas dtype, ordered categories);
* still reads and writes the 0.2.6 forms (``from_legacy``/``to_legacy``, ``/prototype`` output);
* builds the 0.2.6-style pydantic ``Prototype`` class for OpenAPI documents (``to_pydantic``);
* is validated per column, not per row, by :mod:`vetiver.validation`.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import functools
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal, Optional

import numpy as np
import pandas as pd
import pyarrow as pa
import pydantic
from pandas.api import types as pdt
from pydantic import BaseModel, ConfigDict, Field

from vetiver.errors import VetiverError

__all__ = [
    "KINDS",
    "Column",
    "InvalidPTypeError",
    "Prototype",
    "TableSchema",
    "create_prototype",
    "infer_schema",
    "schema_of",
    "vetiver_create_prototype",
    "vetiver_create_ptype",
]

#: The column kinds a :class:`Column` can have.
KINDS = ("integer", "number", "boolean", "string", "category", "datetime", "date", "any")

_ACCEPTED = (
    "a pandas DataFrame, a pandas Series, a 2-D numpy array, a pyarrow Table, a dict "
    "(either {column: example} as vetiver 0.2.6 stores it, or a JSON schema with 'properties' "
    "and 'type'), a pydantic BaseModel class or instance, or None"
)


class InvalidPTypeError(VetiverError, ValueError):
    """The data given as a prototype is of a type vetiver cannot build a schema from (0.2.6 name)."""

    def __init__(self, message: str | None = None, *, received: object = None) -> None:
        if message is None:
            name = f"{type(received).__module__}.{type(received).__qualname__}"
            message = (
                f"Cannot build a prototype from an object of type {name}. Expected {_ACCEPTED}. "
                "Support for other types can be added with "
                "`@vetiver.prototype.infer_schema.register(MyType)`, returning a TableSchema."
            )
        super().__init__(message)


class Prototype(BaseModel):
    """Base class of the pydantic models vetiver generates for a model's input (0.2.6 name)."""

    # Column names such as "model_id" are ordinary data columns, not pydantic internals.
    model_config = ConfigDict(protected_namespaces=())

    #: The lossless schema the class was generated from (set by ``TableSchema.to_pydantic``).
    __vetiver_schema__: ClassVar[TableSchema | None] = None


def create_prototype(**fields: Any) -> type[Prototype]:
    """Create a ``Prototype`` subclass named ``prototype`` from pydantic field definitions (0.2.6)."""
    return pydantic.create_model("prototype", __base__=Prototype, **fields)


# --------------------------------------------------------------------------------------------
# Columns and schemas
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a model's input.

    ``kind`` is the logical type (one of :data:`KINDS`); ``dtype`` the exact pandas dtype string that
    validated request data is converted to; ``levels``/``ordered`` describe categoricals;
    ``example`` is a JSON-able value; ``constraints`` holds JSON Schema keywords (``minimum``,
    ``maximum``, ``exclusiveMinimum``, ``exclusiveMaximum``, ``multipleOf``, ``minLength``,
    ``maxLength``, ``pattern``, ``enum``, ...).
    """

    name: str
    kind: str
    dtype: str | None = None
    nullable: bool = False
    levels: tuple | None = None
    ordered: bool = False
    # Excluded from hashing: an example may be a list and constraints are a dict.
    example: Any = field(default=None, hash=False)
    constraints: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: kind must be one of {KINDS}, not {self.kind!r}")
        if self.levels is not None:
            object.__setattr__(self, "levels", tuple(self.levels))
        elif self.kind == "category":
            raise ValueError(f"column {self.name!r}: a category column needs levels")
        # A private copy, so that mutating the caller's dict cannot change a frozen column.
        object.__setattr__(self, "constraints", dict(self.constraints))
        object.__setattr__(self, "nullable", bool(self.nullable))
        object.__setattr__(self, "ordered", bool(self.ordered))


@dataclass(frozen=True)
class TableSchema:
    """The input schema of a model: an ordered tuple of uniquely named :class:`Column` objects."""

    columns: tuple[Column, ...]

    def __post_init__(self) -> None:
        columns = tuple(self.columns)
        names = [c.name for c in columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate column names in schema: {dupes}")
        object.__setattr__(self, "columns", columns)

    @property
    def names(self) -> list[str]:
        """The column names, in order."""
        return [c.name for c in self.columns]

    # -- JSON Schema ------------------------------------------------------------------------

    def to_json_schema(self) -> dict:
        """A JSON Schema (2020-12 / OpenAPI 3.1) object schema, as 0.2.6's ``/prototype`` returns.

        Per-property titles are omitted (as in 0.2.6); ``x-vetiver-kind``, ``x-vetiver-dtype`` and
        ``x-vetiver-ordered`` make :meth:`from_json_schema` an exact inverse.
        """
        return {
            "title": "prototype",
            "type": "object",
            "properties": {c.name: _column_to_property(c) for c in self.columns},
            "required": self.names,
        }

    @classmethod
    def from_json_schema(cls, schema: Mapping) -> TableSchema:
        """Read a schema written by :meth:`to_json_schema`, 0.2.6's ``/prototype`` or pydantic.

        Plain schemas (without ``x-vetiver-*`` keys) get default dtypes: ``int64`` (``Int64`` when
        nullable), ``float64``, ``bool`` (``boolean``), pandas' default string dtype,
        ``category``, ``datetime64[ns]``, and ``object`` for dates and untyped columns.
        """
        if not isinstance(schema, Mapping) or not isinstance(schema.get("properties"), Mapping):
            raise InvalidPTypeError(
                "A JSON schema prototype needs a 'properties' object mapping column names to "
                f"property schemas; received {type(schema).__name__} without one."
            )
        defs = {**schema.get("definitions", {}), **schema.get("$defs", {})}
        properties = schema["properties"]
        # Column order is meaningful (models check feature order) but YAML and some JSON tools
        # sort object keys; "required" is a list, so it keeps the order to_json_schema wrote.
        required = [name for name in schema.get("required", []) if name in properties]
        order = required + [name for name in properties if name not in required]
        columns = [_column_from_property(str(name), properties[name], defs) for name in order]
        return cls(tuple(columns))

    # Pins and other storage use the JSON Schema form; these are the conventional names for it.
    def to_dict(self) -> dict:
        """Same as :meth:`to_json_schema` (the stored form of a schema)."""
        return self.to_json_schema()

    @classmethod
    def from_dict(cls, d: Mapping) -> TableSchema:
        """Same as :meth:`from_json_schema`."""
        return cls.from_json_schema(d)

    # -- 0.2.6 legacy form ------------------------------------------------------------------

    @classmethod
    def from_legacy(cls, d: Mapping) -> TableSchema:
        """Read 0.2.6's stored ``{column: example}`` dict, inferring types from the values."""
        if not isinstance(d, Mapping):
            raise InvalidPTypeError(received=d)
        return cls(tuple(_column_from_example(str(k), v) for k, v in d.items()))

    def to_legacy(self) -> dict:
        """The 0.2.6 ``{column: example}`` dict (JSON-able; what 0.2.6 stores and re-reads)."""
        return {c.name: _jsonable(c.example) for c in self.columns}

    # -- pydantic and pandas ----------------------------------------------------------------

    def to_pydantic(self) -> type[Prototype]:
        """A ``create_prototype`` class with typed, example-carrying fields for OpenAPI documents.

        The class keeps this schema as ``__vetiver_schema__``, so :func:`schema_of` recovers it
        exactly. Validation of requests uses :mod:`vetiver.validation`, not this class.
        """
        fields = {}
        for i, col in enumerate(self.columns):
            fields[_field_name(col.name, i)] = _pydantic_field(col)
        model = create_prototype(**fields)
        model.__vetiver_schema__ = self
        return model

    def example_frame(self) -> pd.DataFrame:
        """A one-row DataFrame of the examples, with the schema's exact dtypes."""
        # Imported here: validation imports this module.
        from vetiver.validation import _convert_frame

        row = {c.name: [_placeholder(c)] for c in self.columns}
        frame = pd.DataFrame(row, dtype=object, columns=self.names)
        return _convert_frame(self, frame)


# --------------------------------------------------------------------------------------------
# JSON Schema <-> Column
# --------------------------------------------------------------------------------------------

_KIND_TYPES = {"integer": "integer", "number": "number", "boolean": "boolean", "string": "string"}
_KIND_FORMATS = {"datetime": "date-time", "date": "date"}
_FORMAT_KINDS = {v: k for k, v in _KIND_FORMATS.items()}
_VENDOR_KEYS = ("x-vetiver-kind", "x-vetiver-dtype", "x-vetiver-ordered")
# Keys that describe the property itself rather than constrain its values.
_STRUCTURAL_KEYS = {
    "type", "title", "description", "example", "examples", "default", "enum", "const", "format",
    "anyOf", "oneOf", "allOf", "$ref", "not", "nullable", *_VENDOR_KEYS,
}  # fmt: skip


def _default_string_dtype() -> str:
    # pandas 3 infers its "str" dtype for text; pandas 2 keeps object.
    return str(pd.Series(["a"]).dtype)


_DEFAULT_DTYPES = {
    "integer": "int64",
    "number": "float64",
    "boolean": "bool",
    "string": _default_string_dtype(),
    "category": "category",
    "datetime": "datetime64[ns]",
    "date": "object",
    "any": "object",
}
# Nullable columns of these kinds need a pandas extension dtype to hold missing values exactly.
_NULLABLE_DTYPES = {"integer": "Int64", "boolean": "boolean"}


def _level_type(levels: tuple) -> str | None:
    """The JSON type shared by all category levels, or None when they are mixed."""
    if not levels:
        return None
    if all(isinstance(v, bool) for v in levels):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in levels):
        return "integer"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in levels):
        return "number"
    if all(isinstance(v, str) for v in levels):
        return "string"
    return None


def _column_to_property(col: Column) -> dict:
    prop: dict[str, Any] = {}
    if col.kind in _KIND_TYPES:
        json_type: str | None = _KIND_TYPES[col.kind]
    elif col.kind in _KIND_FORMATS:
        json_type = "string"
        prop["format"] = _KIND_FORMATS[col.kind]
    elif col.kind == "category":
        json_type = _level_type(col.levels or ())
        levels = list(col.levels or ())
        prop["enum"] = [*levels, None] if col.nullable else levels
    else:  # any: no type keyword at all
        json_type = None
        if not col.nullable:
            prop["not"] = {"type": "null"}
    if json_type is not None:
        prop["type"] = [json_type, "null"] if col.nullable else json_type
    prop.update(col.constraints)
    if col.example is not None:
        prop["example"] = col.example
    prop["x-vetiver-kind"] = col.kind
    if col.dtype is not None:
        prop["x-vetiver-dtype"] = col.dtype
    if col.kind == "category":
        prop["x-vetiver-ordered"] = col.ordered
    return prop


def _resolve_ref(prop: Mapping, defs: Mapping, depth: int = 0) -> dict:
    """Inline ``$ref`` and single-element ``allOf`` (older pydantic), keeping sibling keys."""
    prop = dict(prop)
    if depth > 20:
        raise InvalidPTypeError("JSON schema '$ref' chain is too deep or circular.")
    ref = prop.pop("$ref", None)
    if ref is not None:
        target = defs.get(str(ref).rsplit("/", 1)[-1])
        if target is None:
            raise InvalidPTypeError(f"JSON schema reference {ref!r} is not in '$defs'.")
        prop = {**_resolve_ref(target, defs, depth + 1), **prop}
    all_of = prop.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1:
        del prop["allOf"]
        prop = {**_resolve_ref(all_of[0], defs, depth + 1), **prop}
    return prop


def _split_types(value: Any) -> tuple[list[str], bool]:
    """Split a JSON ``type`` keyword into its non-null types and whether null is allowed."""
    if value is None:
        return [], False
    types = [value] if isinstance(value, str) else list(value)
    return [t for t in types if t != "null"], "null" in types


def _column_from_property(name: str, prop: Any, defs: Mapping) -> Column:
    if not isinstance(prop, Mapping):
        raise InvalidPTypeError(f"JSON schema property {name!r} must be an object, not {prop!r}.")
    prop = _resolve_ref(prop, defs)
    nullable = False
    # pydantic writes Optional[X] as anyOf [X, null]; fold the null branch into `nullable`.
    for key in ("anyOf", "oneOf"):
        branches = prop.pop(key, None)
        if not isinstance(branches, list):
            continue
        resolved = [_resolve_ref(b, defs) for b in branches]
        rest = [b for b in resolved if _split_types(b.get("type")) != ([], True)]
        nullable = nullable or len(rest) < len(resolved)
        if len(rest) == 1:
            prop = {**rest[0], **prop}
        elif rest and all(_split_types(b.get("type"))[0] in (["integer"], ["number"]) for b in rest):
            prop = {**prop, "type": "number"}
        else:  # a genuine union of different types: accept anything
            prop.pop("type", None)

    types, type_null = _split_types(prop.get("type"))
    nullable = nullable or type_null or prop.get("nullable") is True  # OpenAPI 3.0 style
    example = prop.get("example")
    if example is None and isinstance(prop.get("examples"), list) and prop["examples"]:
        example = prop["examples"][0]
    if example is None:
        example = prop.get("default")

    kind = prop.get("x-vetiver-kind")
    levels = None
    enum = prop.get("enum")
    if enum is None and "const" in prop:
        enum = [prop["const"]]
    if kind is None:
        fmt = prop.get("format")
        if enum is not None:
            kind = "category"
        elif types == ["string"] and fmt in _FORMAT_KINDS:
            kind = _FORMAT_KINDS[fmt]
        elif len(types) == 1 and types[0] in ("integer", "number", "boolean", "string"):
            kind = types[0]
        else:  # object, array, null-only, untyped or multi-typed properties
            kind = "any"
            if not types:  # untyped (pydantic's Any) accepts null unless it says otherwise
                nullable = nullable or prop.get("not") != {"type": "null"}
    elif kind not in KINDS:
        raise InvalidPTypeError(f"column {name!r}: unknown x-vetiver-kind {kind!r}.")
    elif kind == "any":
        nullable = prop.get("not") != {"type": "null"}

    constraints = {k: v for k, v in prop.items() if k not in _STRUCTURAL_KEYS}
    constraints = {k: v for k, v in constraints.items() if not k.startswith("x-vetiver-")}
    if kind == "category":
        if enum is None:
            raise InvalidPTypeError(f"column {name!r}: a category property needs an 'enum'.")
        nullable = nullable or None in enum
        levels = tuple(v for v in enum if v is not None)
    else:
        if enum is not None:
            constraints["enum"] = list(enum)
        fmt = prop.get("format")
        if fmt is not None and kind not in _KIND_FORMATS:
            constraints["format"] = fmt  # e.g. "uuid" on a string column: keep it for the docs
    # Draft-4 style boolean exclusive bounds mean "the minimum/maximum is exclusive".
    for excl, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(constraints.get(excl), bool) and constraints.pop(excl) and bound in constraints:
            constraints[excl] = constraints.pop(bound)

    dtype = prop.get("x-vetiver-dtype")
    if dtype is None:
        dtype = _NULLABLE_DTYPES.get(kind) if nullable else None
        dtype = dtype or _DEFAULT_DTYPES[kind]
    return Column(
        name=name,
        kind=kind,
        dtype=dtype,
        nullable=nullable,
        levels=levels,
        ordered=bool(prop.get("x-vetiver-ordered", False)),
        example=example,
        constraints=constraints,
    )


def _column_from_example(name: str, value: Any) -> Column:
    """A column inferred from one 0.2.6 example value (bool before int: bool is an int subclass)."""
    if value is None:
        return Column(name, "any", "object", nullable=True)
    if isinstance(value, (bool, np.bool_)):
        return Column(name, "boolean", "bool", example=bool(value))
    if isinstance(value, (int, np.integer)):
        return Column(name, "integer", "int64", example=int(value))
    if isinstance(value, (float, np.floating)):
        return Column(name, "number", "float64", example=_jsonable(value))
    if isinstance(value, str):
        return Column(name, "string", _DEFAULT_DTYPES["string"], example=value)
    return Column(name, "any", "object", example=_jsonable(value))


# --------------------------------------------------------------------------------------------
# pydantic fields
# --------------------------------------------------------------------------------------------

_NUMERIC_ARGS = {
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
    "multipleOf": "multiple_of",
}
_STRING_ARGS = {"minLength": "min_length", "maxLength": "max_length", "pattern": "pattern"}
_PYTHON_TYPES: dict[str, Any] = {
    "integer": int,
    "number": float,
    "boolean": bool,
    "string": str,
    "datetime": datetime.datetime,
    "date": datetime.date,
    "any": Any,
}


def _field_name(name: str, index: int) -> str:
    # pydantic ignores leading-underscore names and names clashing with BaseModel attributes
    # would shadow methods; such columns get a safe attribute name and keep theirs as the alias.
    if name.startswith("_") or hasattr(BaseModel, name):
        return f"field_{index}"
    return name


def _pydantic_field(col: Column) -> tuple[Any, Any]:
    tp: Any = _PYTHON_TYPES.get(col.kind)
    if col.kind == "category":
        tp = Literal[col.levels] if col.levels else Any
    args: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    allowed = _NUMERIC_ARGS if col.kind in ("integer", "number") else {}
    allowed = _STRING_ARGS if col.kind == "string" else allowed
    for key, value in col.constraints.items():
        if key in allowed:
            args[allowed[key]] = value
        elif key == "enum" and col.kind not in ("category", "any") and value:
            tp = Literal[tuple(value)]
        else:  # documented in the JSON schema only
            extra[key] = value
    if args:
        tp = Annotated[tp, Field(**args)]
    if col.nullable and col.kind != "any":
        tp = Optional[tp]  # noqa: UP045 - tp is a runtime object, `X | None` does not apply
    if col.example is not None:
        extra["example"] = col.example
    alias = col.name if _field_name(col.name, 0) != col.name else None
    return tp, Field(..., alias=alias, json_schema_extra=extra or None)


# --------------------------------------------------------------------------------------------
# Inference
# --------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """A plain JSON-able Python value: numpy scalars unwrapped, NA to None, datetimes to ISO."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, np.timedelta64):
        return None if np.isnat(value) else pd.Timedelta(value).isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (int, str)):
        return value
    if isinstance(value, (datetime.date, datetime.time)):  # includes datetime and pd.Timestamp
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return pd.Timedelta(value).isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)  # keeps the exact digits
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def _dtype_name(dtype: Any) -> str:
    """The dtype string that pandas turns back into exactly this dtype."""
    # str() says "string" for both storages; name the storage when it is not the default.
    is_na_string = isinstance(dtype, pd.StringDtype) and dtype.na_value is pd.NA
    if is_na_string and dtype.storage != pd.StringDtype().storage:
        return f"string[{dtype.storage}]"
    return str(dtype)


_OBJECT_KINDS = {
    "string": "string",
    "integer": "integer",
    "floating": "number",
    "mixed-integer-float": "number",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
    "datetime64": "datetime",
}


def _column_from_series(name: str, s: pd.Series) -> Column:
    dtype = s.dtype
    na = s.isna()
    has_na = bool(na.any())
    values = s[~na] if has_na else s
    example = _jsonable(values.iloc[0]) if len(values) else None
    # Extension dtypes whose missing value is pd.NA (Int64, Float64, boolean, string, Arrow) are
    # chosen precisely to hold missing values, so they are nullable even without NA in the data.
    nullable = has_na or (isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.na_value is pd.NA)
    levels = None
    ordered = False
    if isinstance(dtype, pd.CategoricalDtype):
        kind = "category"
        levels = tuple(_jsonable(v) for v in dtype.categories)
        ordered = bool(dtype.ordered)
    elif pdt.is_bool_dtype(dtype):
        kind = "boolean"
    elif pdt.is_integer_dtype(dtype):
        kind = "integer"
    elif pdt.is_float_dtype(dtype):
        kind = "number"
    elif isinstance(dtype, pd.ArrowDtype) and pa.types.is_date(dtype.pyarrow_dtype):
        kind = "date"  # before the datetime test, which Arrow dates also pass
    elif pdt.is_datetime64_any_dtype(dtype):
        kind = "datetime"
    elif pdt.is_object_dtype(dtype):
        kind = _OBJECT_KINDS.get(pdt.infer_dtype(values, skipna=True), "any")
    elif pdt.is_string_dtype(dtype):
        kind = "string"
    else:  # timedelta, period, interval, decimal, ...: kept exactly, checked for nulls only
        kind = "any"
    return Column(
        name=name,
        kind=kind,
        dtype=_dtype_name(dtype),
        nullable=nullable,
        levels=levels,
        ordered=ordered,
        example=example,
    )


@functools.singledispatch
def infer_schema(data: Any) -> TableSchema | None:
    """Infer a :class:`TableSchema` from prototype data.

    Accepts a pandas DataFrame or Series, a 2-D numpy array (columns "0".."n-1" as in 0.2.6), a
    pyarrow Table, a dict (a JSON schema with "properties" and "type", else 0.2.6's
    ``{column: example}``), a pydantic model class or instance, or None (returns None). Register
    other types with ``@infer_schema.register(MyType)``.
    """
    raise InvalidPTypeError(received=data)


@infer_schema.register
def _(data: None) -> None:
    return None


@infer_schema.register
def _(data: pd.DataFrame) -> TableSchema:
    names = [str(c) for c in data.columns]
    if len(set(names)) != len(names):
        raise InvalidPTypeError(f"Prototype data has duplicate column names: {names}.")
    series = (data.iloc[:, i] for i in range(data.shape[1]))
    return TableSchema(tuple(_column_from_series(n, s) for n, s in zip(names, series, strict=True)))


@infer_schema.register
def _(data: pd.Series) -> TableSchema:
    name = "0" if data.name is None else str(data.name)
    return TableSchema((_column_from_series(name, data),))


@infer_schema.register
def _(data: np.ndarray) -> TableSchema:
    if data.dtype.names:  # structured arrays carry their own column names
        return infer_schema(pd.DataFrame(data))
    if data.ndim != 2:
        raise InvalidPTypeError(f"A numpy prototype must be 2-D (rows x columns); received shape {data.shape}.")
    return infer_schema(pd.DataFrame(data, columns=[str(i) for i in range(data.shape[1])]))


@infer_schema.register(pa.Table)
@infer_schema.register(pa.RecordBatch)
def _(data: pa.Table | pa.RecordBatch) -> TableSchema:
    return infer_schema(data.to_pandas())


@infer_schema.register
def _(data: dict) -> TableSchema:
    if isinstance(data.get("properties"), Mapping) and "type" in data:
        return TableSchema.from_json_schema(data)
    return TableSchema.from_legacy(data)


@infer_schema.register
def _(data: BaseModel) -> TableSchema:
    schema = _schema_of_model_class(type(data))
    # An instance's values are better examples than the class's.
    values = data.model_dump(mode="json", by_alias=True)
    columns = tuple(
        dataclasses.replace(c, example=values[c.name]) if values.get(c.name) is not None else c for c in schema.columns
    )
    return TableSchema(columns)


@infer_schema.register
def _(data: type) -> TableSchema:
    if not issubclass(data, BaseModel):
        raise InvalidPTypeError(received=data)
    return _schema_of_model_class(data)


def _schema_of_model_class(model: type[BaseModel]) -> TableSchema:
    # Only the class's own attribute: a subclass with added fields must not reuse its parent's.
    own = model.__dict__.get("__vetiver_schema__")
    if isinstance(own, TableSchema):
        return own
    try:
        json_schema = model.model_json_schema()
    except pydantic.PydanticUserError as exc:  # e.g. arbitrary types without a JSON schema
        raise InvalidPTypeError(f"Cannot derive a prototype from pydantic model {model.__qualname__}: {exc}") from exc
    return TableSchema.from_json_schema(json_schema)


def schema_of(prototype: Any) -> TableSchema | None:
    """The :class:`TableSchema` of a prototype class or instance (None for None).

    Classes made by :meth:`TableSchema.to_pydantic` give back their schema exactly; other pydantic
    models are read from their fields. Any other input :func:`infer_schema` accepts works too.
    """
    return infer_schema(prototype)


@functools.singledispatch
def vetiver_create_prototype(data: Any) -> type[Prototype] | BaseModel | None:
    """0.2.6 entry point: a pydantic prototype class for ``data``.

    None gives None and a pydantic model *instance* is returned unchanged (as in 0.2.6); anything
    else is ``infer_schema(data).to_pydantic()``. Like 0.2.6 this is a singledispatch function.
    """
    return infer_schema(data).to_pydantic()


@vetiver_create_prototype.register
def _(data: None) -> None:
    return None


@vetiver_create_prototype.register
def _(data: BaseModel) -> BaseModel:
    return data


def vetiver_create_ptype(data: Any) -> type[Prototype] | BaseModel | None:
    """Deprecated 0.2.6 name of :func:`vetiver_create_prototype`."""
    warnings.warn(
        "vetiver_create_ptype is deprecated; use vetiver_create_prototype",
        DeprecationWarning,
        stacklevel=2,
    )
    return vetiver_create_prototype(data)


def _placeholder(col: Column) -> Any:
    """The example of a column, or a neutral value of its kind when it has none."""
    if col.example is not None or col.nullable:
        return col.example
    return {
        "integer": 0,
        "number": 0.0,
        "boolean": False,
        "string": "",
        "category": col.levels[0] if col.levels else None,
        "datetime": "1970-01-01T00:00:00",
        "date": "1970-01-01",
    }.get(col.kind)
