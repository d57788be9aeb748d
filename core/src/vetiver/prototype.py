"""0.2.6 import path of prototypes; the implementation is :mod:`vetiver.schema`."""

from __future__ import annotations

from .errors import InvalidPTypeError
from .schema.infer import infer_schema, schema_of, vetiver_create_prototype, vetiver_create_ptype
from .schema.kinds import KINDS
from .schema.pydantic_fields import Prototype, create_prototype
from .schema.types import Column, TableSchema

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
