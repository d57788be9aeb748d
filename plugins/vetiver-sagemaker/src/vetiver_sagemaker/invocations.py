"""``POST /invocations``: SageMaker's prediction route, in the content types SageMaker clients send.

SageMaker passes ``Content-Type`` and ``Accept`` through unchanged and leaves their meaning to the
container; these are the conventions of AWS's own containers (``peers-and-protocols.md`` §4.2):

* request: ``application/json`` (row records or ``{"columns", "data"}``; also a missing or generic
  type, which vetiver-R's client sends), ``application/jsonlines`` (one row object per line),
  ``text/csv`` with or without a header row (without one, fields are in prototype order) and
  ``application/x-npy`` (a 2-D array, columns in prototype order, or a structured array);
* response, chosen by ``Accept``: JSON (``{"predict": [...]}``, as ``/predict``), JSON Lines (one
  object per row) or CSV (with a header row).

Every format is turned into what core's own ``/predict`` reads (JSON or CSV bytes, or a frame for
:func:`~vetiver.schema.validate.validate_frame`), so prototype validation is core's, rule for rule.
Bodies past SageMaker's 6 MB payload limit get a 413 saying so, unsupported types 415 and
unacceptable ``Accept`` values 406; a model that fails answers 500, which SageMaker hands the client
as a ``ModelError``.
"""

from __future__ import annotations

import csv
import io
import logging
import os
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import orjson

from vetiver.errors import PrototypeValidationError, VetiverError
from vetiver.schema.validate import validate_frame
from vetiver.serving import encoding
from vetiver.serving.bodies import BodyReader, UnsupportedMediaType, body_error, media_type
from vetiver.serving.receive import BodyTooLarge, read_body

logger = logging.getLogger("vetiver.sagemaker")

MAX_PAYLOAD_BYTES = 6 * 1024 * 1024
"""SageMaker's real-time payload limit, 6 MB (6,291,456 bytes), for requests and responses."""

# Larger bodies are decoded and predicted in a worker thread so /ping keeps answering within 2 s.
THREAD_THRESHOLD = 256 * 1024

JSON = "application/json"
JSON_LINES = "application/jsonlines"
CSV = "text/csv"
NPY = "application/x-npy"

_JSON_LINES_ALIASES = frozenset({JSON_LINES, "application/x-jsonlines", "application/jsonl", "application/x-ndjson"})
REQUEST_TYPES = (JSON, JSON_LINES, CSV, NPY)
RESPONSE_TYPES = (JSON, JSON_LINES, CSV)


class UnsupportedContentType(VetiverError):
    """A Content-Type /invocations does not read (HTTP 415)."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"unsupported content type {kind!r}; send one of {', '.join(REQUEST_TYPES)}")


class NotAcceptable(VetiverError):
    """No media type in ``Accept`` is one /invocations answers in (HTTP 406)."""


class PayloadTooLarge(VetiverError):
    """A response past SageMaker's payload limit (HTTP 413)."""


def request_kind(content_type: str | None) -> str:
    """The request format for a Content-Type: JSON when it is missing or generic."""
    kind = media_type(content_type)
    if kind in _JSON_LINES_ALIASES:
        return JSON_LINES
    if kind in ("application/octet-stream", "*/*", "text/plain"):
        return JSON  # what clients send when they do not say (boto3 invoke_endpoint's default is none)
    if kind not in REQUEST_TYPES:
        raise UnsupportedContentType(kind)
    return kind


def response_kind(accept: str | None) -> str:
    """The response format ``Accept`` asks for (highest ``q`` first); JSON for none or ``*/*``."""
    if not accept or not accept.strip():
        return JSON
    offers: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        quality = 1.0
        for param in parts[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        offers.append((-quality, position, parts[0].lower()))
    for negative_quality, _, kind in sorted(offers):
        if negative_quality == 0:
            continue
        if kind in ("*/*", "application/*"):
            return JSON
        if kind == "text/*":
            return CSV
        if kind in _JSON_LINES_ALIASES:
            return JSON_LINES
        if kind in RESPONSE_TYPES:
            return kind
    raise NotAcceptable(f"cannot answer in {accept!r}; accept one of {', '.join(RESPONSE_TYPES)}")


class InvocationsReader:
    """Decodes /invocations bodies for one model's schema, through core's :class:`BodyReader`."""

    def __init__(self, schema: Any, *, extra: str = "ignore") -> None:
        self.schema = schema
        self.extra = extra
        self._reader = BodyReader(schema, extra=extra)

    def read(self, body: bytes, kind: str) -> Any:
        if kind == JSON:
            return self._reader.read(body, JSON)
        if not body or body.isspace():
            raise body_error("a request body", "an empty body")
        if kind == JSON_LINES:
            return self._reader.read(_json_lines_as_array(body), JSON)
        if kind == CSV:
            return self._reader.read(self._with_header(body), CSV)
        return self._read_npy(body)

    def _with_header(self, body: bytes) -> bytes:
        """The CSV body with a header row: headerless CSV (what SageMaker batch transform splits
        files into) gets the prototype's column names."""
        if self.schema is None:
            return body
        names = self.schema.names
        first_line = body.lstrip().split(b"\n", 1)[0].decode("utf-8", errors="replace")
        fields = [field.strip() for field in next(csv.reader([first_line]), [])]
        if set(fields) & set(names):
            return body  # it has a header: columns are matched by name
        if len(fields) != len(names):
            raise body_error(
                f"CSV with a header row, or rows of {len(names)} fields in prototype order ({', '.join(names)})",
                f"a first row of {len(fields)} fields and no header",
            )
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow(names)
        return header.getvalue().encode() + body.lstrip()

    def _read_npy(self, body: bytes) -> Any:
        import numpy as np
        import pandas as pd

        try:
            array = np.load(io.BytesIO(body), allow_pickle=False)
        except (ValueError, OSError, EOFError) as error:
            raise body_error(
                "an .npy array (numpy.save without pickled objects)", f"unreadable data ({error})"
            ) from None
        if array.dtype.names:  # a structured array names its columns
            frame = pd.DataFrame.from_records(array)
        else:
            if array.ndim == 1:
                array = array.reshape(1, -1)
            names = self.schema.names if self.schema is not None else None
            if array.ndim != 2 or (names is not None and array.shape[1] != len(names)):
                width = f"{len(names)} columns in prototype order" if names is not None else "2 dimensions"
                raise body_error(f"a 2-D array of {width}", f"an array of shape {array.shape}")
            frame = pd.DataFrame(array, columns=names)
        if self.schema is None:
            return frame
        return validate_frame(self.schema, frame, extra=self.extra)


def _json_lines_as_array(body: bytes) -> bytes:
    """JSON Lines as one JSON array of the lines' objects; a bad line is named by its number."""
    lines = [line for line in body.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            raise body_error("one JSON object per line", f"malformed JSON on line {number} ({error})") from None
        if not isinstance(value, dict):
            raise body_error("one JSON object per line", f"a {type(value).__name__} on line {number}")
    return b"[" + b",".join(lines) + b"]"


def encode(result: Any, kind: str, name: str = "predict") -> bytes:
    """A prediction result in the response format ``kind``, with ``/predict``'s columns."""
    shaped = encoding.shape_result(result, name)
    if kind == JSON:
        return encoding.dumps(shaped)
    columns = _as_columns(shaped, name)
    rows = zip(*columns.values(), strict=True)
    if kind == JSON_LINES:
        keys = list(columns)
        return b"".join(encoding.dumps(dict(zip(keys, row, strict=True))) + b"\n" for row in rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return out.getvalue().encode()


def _as_columns(shaped: Any, name: str) -> dict[str, list[Any]]:
    """Equal-length columns of a shaped result (a scalar or ragged dict becomes one row)."""
    if isinstance(shaped, dict):
        values = list(shaped.values())
        if values and all(_is_sequence(v) for v in values) and len({len(v) for v in values}) == 1:
            return {str(k): _plain(v) for k, v in shaped.items()}
        return {str(k): [orjson.loads(encoding.dumps(v)) if _is_sequence(v) else v] for k, v in shaped.items()}
    return {name: [shaped]}


def _is_sequence(value: Any) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, str | bytes | dict)


def _plain(values: Any) -> list[Any]:
    # Through JSON: numpy scalars, NaN (null) and timestamps come out as /predict writes them.
    return orjson.loads(encoding.dumps(list(values) if not isinstance(values, list) else values))


class InvocationsEndpoint:
    """``POST /invocations`` as a bare ASGI app: read, decode and validate, predict, encode.

    Args:
        reader: Decodes bodies for the model's schema.
        predict: ``predict(data)`` returns the model's predictions for the validated data.
        max_payload: The largest request and response body, in bytes.
    """

    def __init__(self, reader: InvocationsReader, predict: Callable[[Any], Any], max_payload: int = MAX_PAYLOAD_BYTES):
        self.reader = reader
        self.predict = predict
        self.max_payload = max_payload

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        headers = {key: value for key, value in scope["headers"]
                   if key in (b"content-type", b"accept", b"content-length")}  # fmt: skip
        try:
            kind = request_kind(headers.get(b"content-type", b"").decode("latin-1"))
            answer = response_kind(headers.get(b"accept", b"").decode("latin-1"))
            body = await read_body(receive, headers.get(b"content-length"), self.max_payload)
            if body is None:
                return  # the client went away
            if len(body) > THREAD_THRESHOLD:
                payload = await anyio.to_thread.run_sync(self._respond, body, kind, answer)
            else:
                payload = self._respond(body, kind, answer)
            status, media = 200, answer
        except PrototypeValidationError as error:
            status, payload, media = 422, encoding.dumps(error.to_dict()), JSON
        except (UnsupportedContentType, UnsupportedMediaType) as error:
            status, payload, media = 415, encoding.dumps({"detail": str(error)}), JSON
        except NotAcceptable as error:
            status, payload, media = 406, encoding.dumps({"detail": str(error)}), JSON
        except BodyTooLarge:
            detail = (f"request body larger than SageMaker's payload limit of {self.max_payload} bytes (6 MB); send "
                      "fewer rows per request, or use asynchronous inference or batch transform for large inputs")  # fmt: skip
            status, payload, media = 413, encoding.dumps({"detail": detail}), JSON
        except PayloadTooLarge as error:
            status, payload, media = 413, encoding.dumps({"detail": str(error)}), JSON
        except Exception as error:  # the model failed: SageMaker reports it to the client as ModelError
            logger.exception("POST /invocations failed")
            message = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
            detail = f"predict failed: {type(error).__name__}" + (f": {message}" if message else "")
            status, payload, media = 500, encoding.dumps({"detail": detail}), JSON
        await send({
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", media.encode()), (b"content-length", str(len(payload)).encode())],
        })  # fmt: skip
        await send({"type": "http.response.body", "body": payload})

    def _respond(self, body: bytes, kind: str, answer: str) -> bytes:
        payload = encode(self.predict(self.reader.read(body, kind)), answer)
        if len(payload) > self.max_payload:
            raise PayloadTooLarge(
                f"the response of {len(payload)} bytes is larger than SageMaker's payload limit of "
                f"{self.max_payload} bytes (6 MB); send fewer rows per request"
            )
        return payload


def execution_parameters() -> dict[str, Any]:
    """What ``GET /execution-parameters`` answers batch transform: one transform per server
    worker, whole mini-batches per request, and the 6 MB payload limit."""
    workers = os.environ.get("VETIVER_WORKERS", "1")
    return {
        "MaxConcurrentTransforms": int(workers) if workers.isdigit() and int(workers) > 0 else 1,
        "BatchStrategy": "MULTI_RECORD",
        "MaxPayloadInMB": MAX_PAYLOAD_BYTES // (1024 * 1024),
    }
