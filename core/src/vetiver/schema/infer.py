"""Inferring a :class:`~vetiver.schema.types.TableSchema` from prototype data (DataFrames,
arrays, Arrow tables, dicts, pydantic models), and the 0.2.6 ``vetiver_create_prototype``.
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pydantic
from pandas.api import types as pdt
from pydantic import BaseModel

from ..errors import InvalidPTypeError
from .kinds import _jsonable
from .pydantic_fields import Prototype
from .types import Column, TableSchema

__all__ = ["infer_schema", "schema_of", "vetiver_create_prototype", "vetiver_create_ptype"]


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
