"""Reading an ASGI request's body under a size limit (shared by the API and serving runtimes)."""

from __future__ import annotations

from typing import Any


class BodyTooLarge(Exception):
    """The request body exceeds the API's ``max_body_size``."""


async def read_body(receive: Any, content_length: bytes | None, limit: int) -> bytes | None:
    """An ASGI request's whole body, or None when the client disconnects first.

    Raises :class:`BodyTooLarge` past ``limit`` bytes: at once for a larger ``Content-Length``
    header (raw header bytes), else once that much has arrived (chunked uploads)."""
    if content_length is not None and content_length.isdigit() and int(content_length) > limit:
        raise BodyTooLarge  # refuse before reading a byte
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:  # no or a wrong Content-Length (chunked uploads)
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)
