"""Calling a served model: ``vetiver.predict`` and ``vetiver.vetiver_endpoint`` (0.2.6 names).

Unlike 0.2.6, DataFrames are sent with a JSON content type (0.2.6 sent them as untyped text, which
current servers answer with 422), large frames can go as Arrow, and errors carry the server's
message.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import PredictionRequestError

ARROW_STREAM = "application/vnd.apache.arrow.stream"

ARROW_ROWS = 10_000
"""DataFrames with at least this many rows are sent as Arrow by default (``arrow=None``)."""


def vetiver_endpoint(url: str = "http://127.0.0.1:8000/predict") -> str:
    """The URL of a model's endpoint, without one trailing slash (0.2.6)."""
    return url[:-1] if url.endswith("/") else url


def predict(endpoint: str, data: Any, test_client: Any = None, *, arrow: bool | None = None, **kw: Any) -> pd.DataFrame:
    """Send ``data`` to a vetiver endpoint and return the predictions as a DataFrame.

    Args:
        endpoint: The endpoint URL, e.g. from :func:`vetiver_endpoint`.
        data: A DataFrame, a Series (one row), a dict (one row) or a JSON-able list of rows.
        test_client: A starlette ``TestClient`` (or any httpx-style client) to send through
            instead of the network; ``endpoint`` may then be a path.
        arrow: Send a DataFrame as an Arrow IPC stream and ask for Arrow back. ``None`` (the
            default) does so for frames of at least :data:`ARROW_ROWS` rows; vetiver servers
            before 0.3 only read JSON, so pass ``arrow=False`` for them.
        **kw: Passed to the HTTP request, e.g. ``headers={"Authorization": f"Key {key}"}`` or
            ``timeout=30``.

    Returns:
        ``pd.DataFrame.from_dict`` of the JSON response (``{"predict": [...]}`` becomes a
        ``predict`` column), or the Arrow table the server answered.

    Raises:
        TypeError: The server rejected the data (HTTP 422); the message is the server's.
        httpx.HTTPStatusError: Any other error status.
    """
    import httpx

    if isinstance(data, pd.DataFrame) and (arrow or (arrow is None and len(data) >= ARROW_ROWS)):
        content, headers = (
            _arrow_body(data),
            {"Content-Type": ARROW_STREAM, "Accept": f"{ARROW_STREAM}, application/json"},
        )
    else:
        content, headers = _json_body(data), {"Content-Type": "application/json"}
    headers.update(kw.pop("headers", None) or {})
    if test_client is not None:
        response = test_client.post(endpoint, content=content, headers=headers, **kw)
    else:
        kw.setdefault("timeout", 60.0)
        response = httpx.post(endpoint, content=content, headers=headers, **kw)
    if response.status_code == 422:
        raise PredictionRequestError(_error_message(response))
    if response.status_code >= 400:
        raise httpx.HTTPStatusError(
            f"Could not obtain data from endpoint with error: {response.status_code} {_error_message(response)}",
            request=response.request,
            response=response,
        )
    if response.headers.get("content-type", "").startswith(ARROW_STREAM):
        return _read_arrow(response.content)
    return pd.DataFrame.from_dict(response.json())


def _json_body(data: Any) -> bytes:
    import json

    if isinstance(data, pd.DataFrame):
        # pandas writes NaN as null and timestamps as ISO 8601, which the server parses.
        return data.to_json(orient="records", date_format="iso").encode()
    if isinstance(data, pd.Series):
        return ("[" + data.to_json(date_format="iso") + "]").encode()
    if isinstance(data, dict):
        data = [data]
    return json.dumps(data, default=str).encode()


def _arrow_body(frame: pd.DataFrame) -> bytes:
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _read_arrow(content: bytes) -> pd.DataFrame:
    import pyarrow as pa

    return pa.ipc.open_stream(pa.BufferReader(content)).read_all().to_pandas()


def _error_message(response: Any) -> str:
    """The server's explanation: vetiver's ``detail`` items joined, or the body text."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):
        parts = [item.get("message") or str(item) if isinstance(item, dict) else str(item) for item in detail]
        return "; ".join(parts)
    if isinstance(detail, str):
        return detail
    return response.text.replace("\n", ": ")
