"""The OpenAPI 3.1 document of a vetiver API.

Built from what the API serves, not from the framework's routing table, so the prototype is the
request schema of every prediction endpoint (with an example row) in each accepted media type,
and the error responses are described. :class:`~vetiver.serving.api.VetiverAPI` rebuilds it whenever an
endpoint is added (vetiver 0.2.6 cached the first document, so later endpoints were missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..schema.types import TableSchema
from .bodies import ARROW_FILE, ARROW_STREAM, CSV, JSON

_ERROR_ITEM = {
    "type": "object",
    "properties": {
        "row": {"type": ["integer", "null"], "description": "0-based row of the body, when one row is at fault"},
        "column": {"type": ["string", "null"]},
        "expected": {"type": "string"},
        "received": {"type": "string"},
        "message": {"type": "string"},
    },
    "required": ["row", "column", "expected", "received", "message"],
}
_MESSAGE = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
_BINARY = {"type": "string", "format": "binary"}


@dataclass(frozen=True)
class PostEndpoint:
    """What the document says about one POST endpoint."""

    name: str
    path: str
    description: str
    validates: bool  # the body is checked against the prototype
    list_result: bool  # the handler's predict: answers {name: [...]}


def build(
    *,
    title: str,
    version: str,
    description: str,
    schema: TableSchema | None,
    show_prototype: bool,
    has_pin_url: bool,
    endpoints: Sequence[PostEndpoint],
    api_key_header: str | None,
) -> dict[str, Any]:
    """The OpenAPI document as a JSON-able dict."""
    components: dict[str, Any] = {
        "schemas": {
            "ValidationError": {"type": "object", "properties": {"detail": {"type": "array", "items": _ERROR_ITEM}},
                                "required": ["detail"]},
            "Message": _MESSAGE,
        },
    }  # fmt: skip
    if schema is not None:
        components["schemas"]["prototype"] = schema.to_json_schema()
    security: list[dict] = []
    if api_key_header:
        components["securitySchemes"] = {"apiKey": {"type": "apiKey", "in": "header", "name": api_key_header}}
        security = [{"apiKey": []}]

    paths: dict[str, Any] = {
        "/ping": {"get": _get("Ping server", {"type": "object", "properties": {"ping": {"type": "string"}}},
                              extra={"503": _json_response("The model is still loading", _ref("Message"))})},
        "/metadata": {"get": _get("Get metadata", _metadata_schema(), security)},
    }  # fmt: skip
    if show_prototype and schema is not None:
        paths["/prototype"] = {"get": _get("Get prototype of model input", {"type": "object"}, security)}
    if has_pin_url:
        paths["/pin-url"] = {"get": _get("Get URL of pin", {"type": "string"}, security)}
    for endpoint in endpoints:
        paths[endpoint.path] = {"post": _post(endpoint, schema, security)}
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "paths": paths,
        "components": components,
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _get(summary: str, schema: dict, security: list | None = None, extra: dict | None = None) -> dict:
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {"200": _json_response("OK", schema), **(extra or {})},
    }
    if security:
        operation["security"] = security
        operation["responses"]["401"] = _json_response("Missing or invalid API key", _ref("Message"))
    return operation


def _metadata_schema() -> dict:
    return {
        "type": "object",
        "properties": {
            "user": {"type": "object"},
            "version": {"type": ["string", "null"]},
            "url": {"type": ["string", "null"]},
            "required_pkgs": {"type": "array", "items": {"type": "string"}},
            "python_version": {"type": ["array", "null"]},
        },
    }


def _request_body(schema: TableSchema | None, validates: bool) -> dict:
    if schema is None or not validates:
        return {
            "required": True,
            "description": "Data for the model: JSON (passed on as parsed), CSV or Arrow.",
            "content": {JSON: {"schema": {}}, CSV: {"schema": {"type": "string"}},
                        ARROW_STREAM: {"schema": _BINARY}, ARROW_FILE: {"schema": _BINARY}},
        }  # fmt: skip
    example_row = schema.to_legacy()
    rows = {"type": "array", "minItems": 1, "items": _ref("prototype"), "title": "rows"}
    columnar = {
        "type": "object",
        "title": "columns",
        "properties": {
            "columns": {"type": "array", "items": {"type": "string", "enum": schema.names}, "uniqueItems": True},
            "data": {"type": "array", "minItems": 1, "items": {"type": "array", "minItems": len(schema.names),
                                                                "maxItems": len(schema.names)}},
        },
        "required": ["columns", "data"],
    }  # fmt: skip
    csv_example = ",".join(schema.names) + "\n" + ",".join("" if v is None else str(v) for v in example_row.values())
    return {
        "required": True,
        "description": "Rows to predict for, as JSON rows (vetiver 0.2.6), JSON columns, CSV with a header "
        "row, or an Arrow IPC stream. Columns not in the prototype are ignored unless the API forbids them.",
        "content": {
            JSON: {"schema": {"oneOf": [rows, columnar]}, "example": [example_row]},
            CSV: {"schema": {"type": "string"}, "example": csv_example + "\n"},
            ARROW_STREAM: {"schema": _BINARY},
            ARROW_FILE: {"schema": _BINARY},
        },
    }


def _post(endpoint: PostEndpoint, schema: TableSchema | None, security: list) -> dict:
    result: dict = {}
    if endpoint.list_result:
        result = {"type": "object", "properties": {endpoint.name: {"type": "array"}}}
    responses = {
        "200": {"description": "Predictions", "content": {JSON: {"schema": result}, ARROW_STREAM: {"schema": _BINARY}}},
        "413": _json_response("Request body too large", _ref("Message")),
        "415": _json_response("Unsupported media type", _ref("Message")),
        "422": _json_response("The body does not match the prototype", _ref("ValidationError")),
        "500": _json_response("The model failed to predict", _ref("Message")),
    }
    operation: dict[str, Any] = {
        "summary": endpoint.description.strip().splitlines()[0] if endpoint.description.strip() else endpoint.name,
        "description": endpoint.description,
        "operationId": endpoint.name,
        "requestBody": _request_body(schema, endpoint.validates),
        "responses": responses,
    }
    if security:
        operation["security"] = security
        responses["401"] = _json_response("Missing or invalid API key", _ref("Message"))
    return operation
