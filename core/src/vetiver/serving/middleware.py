"""Operational ASGI middleware for a vetiver API: API-key auth and access logs.

One pure-ASGI class does both, so a request pays for one extra call frame rather than one per
concern (starlette's ``BaseHTTPMiddleware`` would add a task and a stream per request).
"""

from __future__ import annotations

import hmac
import logging
import time
from typing import Any

access_logger = logging.getLogger("vetiver.access")

# Paths that never need the key: health checks must work for load balancers and orchestrators.
AUTH_EXEMPT = frozenset({"/ping"})
_SCHEMES = (b"key ", b"bearer ", b"token ")
_UNAUTHORIZED = b'{"detail":"missing or invalid API key"}'


class OpsMiddleware:
    """Checks an API key (if one is set) and writes one access-log line per request.

    Args:
        app: The wrapped ASGI app.
        api_key: The key clients must send; None turns auth off.
        api_key_header: The header carrying the key. Its value may be the bare key or, as Posit
            Connect clients send it, ``Key <key>`` / ``Bearer <key>``.
        access_log: Log ``client method path status duration`` to the ``vetiver.access`` logger.
    """

    def __init__(self, app: Any, *, api_key: str | None, api_key_header: str, access_log: bool) -> None:
        self.app = app
        self.key = api_key.encode() if api_key else None
        self.header = api_key_header.lower().encode("latin-1")
        self.access_log = access_log

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.key is not None and scope["path"] not in AUTH_EXEMPT and not self._authorized(scope):
            await _send_unauthorized(send)
            self._log(scope, 401, time.perf_counter())
            return
        if not (self.access_log and access_logger.isEnabledFor(logging.INFO)):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the app fails before starting a response

        async def send_and_record(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            self._log(scope, status, started)

    def _authorized(self, scope: dict) -> bool:
        sent = next((value for name, value in scope["headers"] if name == self.header), None)
        if sent is None:
            return False
        lowered = sent[:7].lower()
        for scheme in _SCHEMES:
            if lowered.startswith(scheme):
                sent = sent[len(scheme) :].strip()
                break
        # Constant-time: the comparison's duration does not tell how much of the key matched.
        return hmac.compare_digest(sent, self.key or b"")

    def _log(self, scope: dict, status: int, started: float) -> None:
        if not (self.access_log and access_logger.isEnabledFor(logging.INFO)):
            return
        client = scope.get("client")
        where = f"{client[0]}:{client[1]}" if client else "-"
        query = scope.get("query_string") or b""
        path = scope["path"] + ("?" + query.decode("latin-1") if query else "")
        access_logger.info(
            '%s "%s %s" %d %.1fms', where, scope["method"], path, status, (time.perf_counter() - started) * 1000
        )


async def _send_unauthorized(send: Any) -> None:
    await send({
        "type": "http.response.start",
        "status": 401,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(_UNAUTHORIZED)).encode()),
                    (b"www-authenticate", b"Key")],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": _UNAUTHORIZED})
