"""Request bodies: which media types a prediction endpoint takes, and how each becomes data.

Every format ends in the same place: a DataFrame checked by
:func:`vetiver.schema.validate.validate_frame` against the model's :class:`~vetiver.schema.types.TableSchema`,
so types, category levels, datetimes and nullability follow one set of rules whatever the client
sent. Formats:

* ``application/json`` (also a missing Content-Type, which vetiver-R's client and SageMaker send):
  an array of row objects (vetiver 0.2.6) or ``{"columns": [...], "data": [[...], ...]}``;
* ``text/csv`` with a header row (values are text, parsed per column);
* ``application/vnd.apache.arrow.stream`` (and the Arrow file format) for large frames.

Problems with a body raise :class:`~vetiver.schema.validate.PrototypeValidationError`, whose errors name
the row, column, expected and received value; an unknown media type raises
:class:`UnsupportedMediaType`.
"""

from __future__ import annotations

from typing import Any

import orjson
import pandas as pd

from ..errors import PrototypeValidationError
from ..schema.records import frame_from_columnar, frame_from_records
from ..schema.types import TableSchema
from ..schema.validate import validate_frame
from .fast_frames import FrameDecoder

JSON = "application/json"
CSV = "text/csv"
ARROW_STREAM = "application/vnd.apache.arrow.stream"
ARROW_FILE = "application/vnd.apache.arrow.file"
SUPPORTED = (JSON, CSV, ARROW_STREAM, ARROW_FILE)


class UnsupportedMediaType(Exception):
    """The request's Content-Type is not one the endpoint reads (HTTP 415)."""

    def __init__(self, media_type: str) -> None:
        super().__init__(f"unsupported media type {media_type!r}; send one of {', '.join(SUPPORTED)}")


def media_type(content_type: str | None) -> str:
    """The bare, lower-case media type of a Content-Type header; JSON when there is none."""
    if not content_type:
        return JSON
    bare = content_type.split(";", 1)[0].strip().lower()
    if bare.endswith("+json"):  # application/vnd.foo+json is still JSON
        return JSON
    return bare or JSON


def body_error(expected: str, received: str) -> PrototypeValidationError:
    """An error about the body as a whole (no row or column to name)."""
    return PrototypeValidationError(
        [{"row": None, "column": None, "expected": expected, "received": received,
          "message": f"expected {expected}, received {received}"}]
    )  # fmt: skip


def parse_json(body: bytes) -> Any:
    """Parse a JSON body; a syntax error names the position where parsing stopped."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise body_error("valid JSON", f"malformed JSON ({error})") from None


class BodyReader:
    """Turns request bodies into validated DataFrames for one schema.

    Built once per endpoint at startup: the compiled :class:`~vetiver.serving.fast_frames.FrameDecoder`
    handles plain valid JSON without pandas' per-column overhead, and everything else goes
    through :func:`~vetiver.schema.validate.validate_frame`.
    """

    def __init__(self, schema: TableSchema | None, *, extra: str = "ignore") -> None:
        self.schema = schema
        self.extra = extra
        self._fast = FrameDecoder(schema, extra=extra) if schema is not None else None

    def read(self, body: bytes, content_type: str | None, *, as_array: bool = False) -> Any:
        """The request data: a validated DataFrame, or, without a schema, the parsed JSON (as
        vetiver 0.2.6 passed it on) or an unvalidated DataFrame for CSV and Arrow. ``as_array``
        allows a validated 2-D array in schema column order instead of a frame (JSON bodies of a
        one-dtype schema), for handlers that accept arrays."""
        kind = media_type(content_type)
        if kind not in SUPPORTED:
            raise UnsupportedMediaType(kind)
        if not body or body.isspace():
            raise body_error("a request body", "an empty body")
        if kind == JSON:
            return self._read_json(parse_json(body), as_array)
        frame = _read_csv(body, self.schema) if kind == CSV else _read_arrow(body, kind)
        if self.schema is None:
            return frame
        return validate_frame(self.schema, frame, extra=self.extra, from_text=kind == CSV)

    def _read_json(self, payload: Any, as_array: bool = False) -> Any:
        if self.schema is None:
            return payload
        fast = self._fast.decode(payload, as_array=as_array) if self._fast is not None else None
        if fast is not None:
            return fast
        if isinstance(payload, dict):
            if "columns" not in payload and "data" not in payload:
                raise body_error('an array of row objects or {"columns": [...], "data": [[...]]}', "a single object")
            frame = frame_from_columnar(payload)
        else:
            frame = frame_from_records(payload)
        return validate_frame(self.schema, frame, extra=self.extra)


def _read_csv(body: bytes, schema: TableSchema | None) -> pd.DataFrame:
    import pyarrow as pa
    from pyarrow import csv

    # Schema columns are read as text and parsed by validate_frame(from_text=True), so CSV obeys
    # the same per-column rules as JSON ("007" stays text in a string column); an empty field
    # stays "" and validation decides whether it is a null.
    names = schema.names if schema is not None else []
    options = csv.ConvertOptions(column_types={name: pa.string() for name in names}, strings_can_be_null=False)
    try:
        table = csv.read_csv(pa.BufferReader(body), convert_options=options)
    except (pa.ArrowException, OSError, UnicodeDecodeError) as error:
        raise body_error("CSV text with a header row and the same number of fields on every line",
                         f"malformed CSV ({_first_line(error)})") from None  # fmt: skip
    return table.to_pandas()


def _read_arrow(body: bytes, kind: str) -> pd.DataFrame:
    import pyarrow as pa

    try:
        if kind == ARROW_STREAM:
            table = pa.ipc.open_stream(pa.BufferReader(body)).read_all()
        else:
            table = pa.ipc.open_file(pa.BufferReader(body)).read_all()
        return table.to_pandas()
    except (pa.ArrowException, OSError, ValueError, TypeError) as error:  # pyarrow's IPC reader raises OSError too
        raise body_error(
            f"an Arrow IPC {kind.rsplit('.', 1)[-1]}", f"malformed Arrow data ({_first_line(error)})"
        ) from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__
