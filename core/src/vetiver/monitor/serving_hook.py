"""What the serving app needs from prediction logging, kept here so its hook stays a few lines."""

from __future__ import annotations

import os
import re
from typing import Any

from .prediction_log import PredictionLogger, new_request_id

# A client's own X-Request-ID is kept when it looks like an id (no spaces or control characters).
_CLIENT_ID = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")


def open_prediction_log(destination: str | os.PathLike[str] | PredictionLogger, model: Any) -> PredictionLogger:
    """The logger for ``VetiverAPI(log_predictions=...)``: a folder path, or a ready logger."""
    if isinstance(destination, PredictionLogger):
        return destination
    schema = model.schema if model.prototype is not None else None
    return PredictionLogger(
        destination, model_name=model.model_name, model_version=model.metadata.version,
        input_columns=list(schema.names) if schema is not None else None,
    )  # fmt: skip


def request_id(sent: bytes | None) -> str:
    """The client's ``X-Request-ID`` when it is a plausible id, else a new one."""
    if sent is not None and _CLIENT_ID.match(sent):
        return sent.decode("ascii")
    return new_request_id()


def count_rows(data: Any) -> int:
    """Rows in a request's decoded body (a DataFrame, an array, a list of records or one record)."""
    if isinstance(data, dict):
        lengths = [len(v) for v in data.values() if isinstance(v, list)]
        return max(lengths) if lengths and len(lengths) == len(data) else 1
    try:
        return len(data)
    except TypeError:
        return 1
