"""The lossless input schema of a model: :class:`Column`, :class:`TableSchema` and their JSON
Schema form.

vetiver-python 0.2.6 built a pydantic class from the first row of the training data and stored
it as a lossy ``{"column": example}`` JSON string, so integer/float, category, date and
constraint information was lost on every pin round trip (reference §6, bug #13). Here the schema is
a small immutable :class:`TableSchema` of :class:`Column` objects that

* serializes losslessly to a plain JSON Schema (``to_json_schema``), with ``x-vetiver-*`` keys
  carrying what JSON Schema cannot (the exact pandas dtype, ordered categories);
* still reads and writes the 0.2.6 forms (``from_legacy``/``to_legacy``, ``/prototype`` output);
* builds the 0.2.6-style pydantic ``Prototype`` class for OpenAPI documents (``to_pydantic``);
* is validated per column, not per row, by :mod:`vetiver.schema.validate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InvalidPTypeError
from .kinds import (
    _DEFAULT_DTYPES,
    _FORMAT_KINDS,
    _KIND_FORMATS,
    _KIND_TYPES,
    _NULLABLE_DTYPES,
    _STRUCTURAL_KEYS,
    KINDS,
    _jsonable,
    _level_type,
)
from .pydantic_fields import Prototype, _field_name, _pydantic_field, create_prototype
from .validate import _convert_frame

__all__ = ["Column", "TableSchema"]


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
            raise InvalidPTypeError(f"column {self.name!r}: kind must be one of {KINDS}, not {self.kind!r}")
        if self.levels is not None:
            object.__setattr__(self, "levels", tuple(self.levels))
        elif self.kind == "category":
            raise InvalidPTypeError(f"column {self.name!r}: a category column needs levels")
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
            raise InvalidPTypeError(f"duplicate column names in schema: {dupes}")
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
        row = {c.name: [_placeholder(c)] for c in self.columns}
        frame = pd.DataFrame(row, dtype=object, columns=self.names)
        return _convert_frame(self, frame)


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
