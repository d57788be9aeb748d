"""pydantic interop: the 0.2.6 ``Prototype`` base class and pydantic fields for schema columns.

These classes document a model's input in OpenAPI; requests are validated by
:mod:`vetiver.schema.validate`, not by pydantic.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Optional

import pydantic
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from .types import Column, TableSchema


class Prototype(BaseModel):
    """Base class of the pydantic models vetiver generates for a model's input (0.2.6 name)."""

    # Column names such as "model_id" are ordinary data columns, not pydantic internals.
    model_config = ConfigDict(protected_namespaces=())

    #: The lossless schema the class was generated from (set by ``TableSchema.to_pydantic``).
    __vetiver_schema__: ClassVar[TableSchema | None] = None


def create_prototype(**fields: Any) -> type[Prototype]:
    """Create a ``Prototype`` subclass named ``prototype`` from pydantic field definitions (0.2.6)."""
    return pydantic.create_model("prototype", __base__=Prototype, **fields)


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
