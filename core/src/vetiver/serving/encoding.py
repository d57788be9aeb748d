"""Prediction responses: the vetiver 0.2.6 JSON shapes, encoded with orjson, or Arrow on request.

A list (or array) result becomes ``{endpoint_name: [...]}`` as in 0.2.6; a DataFrame becomes
``{column: [...]}`` (so ``pd.DataFrame.from_dict`` on the client gives it back); a Series is
keyed by its index, and dicts and scalars pass through. Clients that send
``Accept: application/vnd.apache.arrow.stream`` get the same columns as an Arrow IPC stream.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import numpy as np
import orjson
import pandas as pd

from ..errors import ModelOutputError

ARROW_STREAM = "application/vnd.apache.arrow.stream"
JSON = "application/json"

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    """What orjson cannot serialize natively: numpy scalars and arrays it does not take
    (non-contiguous, object dtype), pandas objects and missing values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (pd.Series, pd.Index)):
        return value.tolist()
    if isinstance(value, pd.DataFrame):
        return value.to_dict(orient="list")
    if isinstance(value, pd.Timedelta | datetime.timedelta):
        return pd.Timedelta(value).isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise ModelOutputError(f"cannot encode {type(value).__name__} as JSON")


def dumps(value: Any) -> bytes:
    """JSON bytes (NaN and missing values become null)."""
    return orjson.dumps(value, default=_default, option=_OPTIONS)


def shape_result(result: Any, endpoint_name: str) -> Any:
    """The JSON-able response body for a prediction result, in vetiver 0.2.6's shapes."""
    if isinstance(result, list | tuple | np.ndarray | pd.Index):
        return {endpoint_name: result}
    if isinstance(result, pd.DataFrame):
        return result.to_dict(orient="list")
    if isinstance(result, pd.Series):
        # 0.2.6 passed a Series through FastAPI's encoder, which keys it by index.
        return {str(k): v for k, v in result.items()}
    return result


def wants_arrow(accept: str | None) -> bool:
    """Whether the Accept header asks for an Arrow stream."""
    return bool(accept) and ARROW_STREAM in accept.lower()


def arrow_bytes(result: Any, endpoint_name: str) -> bytes:
    """The result as an Arrow IPC stream with the same columns as the JSON body."""
    import pyarrow as pa

    if isinstance(result, pd.DataFrame):
        table = pa.Table.from_pandas(result, preserve_index=False)
    elif isinstance(result, pd.Series):
        table = pa.table({str(result.name) if result.name is not None else endpoint_name: result})
    elif isinstance(result, dict):
        table = pa.table({str(k): _as_column(v) for k, v in result.items()})
    else:
        table = pa.table({endpoint_name: _as_column(result)})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _as_column(values: Any) -> Any:
    import pyarrow as pa

    if isinstance(values, np.ndarray) and values.ndim == 1:
        return values
    if isinstance(values, np.ndarray):
        return pa.array(values.tolist())
    return pa.array(values if isinstance(values, list | tuple) else [values])
