"""A lean client of the Posit Connect API: the calls a deploy needs, each error made one clear line.

Why our own and not rsconnect-python's or posit-sdk's: rsconnect's programmatic deploy (what
vetiver 0.2.6 called) activates a bundle without checking that it starts, and its vetiver entry
point is no longer tested upstream; posit-sdk cannot deploy a draft. The calls and their order
follow rsconnect-python's CLI (``deploy-connect-sagemaker.md`` section 3.2).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from .errors import (
    BundleRejectedError,
    ConnectAPIError,
    ConnectAuthError,
    ConnectPermissionError,
    ConnectUnreachableError,
    ContentNotFoundError,
    NameTakenError,
)
from .server import ConnectServer

DRAFT_SINCE = (2025, 6, 0)
"""Connect deploys a bundle without activating it (``"activate": false``) since 2025.06.0."""
TASK_TIMEOUT = 1800.0
CHECK_TIMEOUT = 300.0
"""Seconds to wait for a cold start: longer than Connect's own start limits, so Connect decides."""


def parse_version(version: str) -> tuple[int, ...]:
    """``"2025.09.1"`` as ``(2025, 9, 1)``; unknown parts count as 0."""
    parts = []
    for piece in str(version).split(".")[:3]:
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts + [0] * (3 - len(parts)))


def _error_text(response: httpx.Response) -> str:
    """The message of an error answer: Connect's ``{"error": ...}``, else the body's first line."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip().splitlines()
        return text[0][:300] if text else response.reason_phrase
    if isinstance(body, dict) and body.get("error"):
        return str(body["error"]).strip().splitlines()[0]
    return json.dumps(body)[:300]


class ConnectClient:
    """The Connect API of one server, as its API key's user.

    Args:
        server: The server and key.
        timeout: Seconds to wait for an API answer.
    """

    def __init__(self, server: ConnectServer, timeout: float = 60.0) -> None:
        self.server = server
        verify: Any = not server.insecure
        if server.ca_data and verify:
            import ssl

            verify = ssl.create_default_context(cadata=server.ca_data)
        self._http = httpx.Client(
            base_url=server.url,
            timeout=timeout,
            verify=verify,
            follow_redirects=False,
            headers={"Authorization": f"Key {server.api_key}", "User-Agent": "vetiver-connect"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ConnectClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transport ----------------------------------------------------------------------------

    def request(
        self, method: str, path: str, *, what: str, rejected: type[Exception] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send one request; map transport failures and error statuses to this plugin's errors.

        ``what`` names the action in messages ("create content 'cars'"); ``rejected`` is raised
        for a 400 answer instead of :class:`ConnectAPIError`.
        """
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as error:
            raise ConnectUnreachableError(
                f"Posit Connect at {self.server.url} did not answer in time ({what})"
            ) from error
        except httpx.TransportError as error:
            reason = str(error).strip() or type(error).__name__
            raise ConnectUnreachableError(f"cannot reach Posit Connect at {self.server.url}: {reason}") from error
        if response.status_code < 400:
            return response
        message = _error_text(response)
        status = response.status_code
        if status == 401:
            raise ConnectAuthError(f"Posit Connect at {self.server.url} refused the API key: {message}")
        if status == 403:
            raise ConnectPermissionError(f"no permission to {what} on {self.server.url}: {message}")
        if status == 404:
            raise ContentNotFoundError(f"cannot {what}: not found on {self.server.url} ({message})")
        if status == 409:
            raise NameTakenError(f"cannot {what}: {message}")
        if status == 400 and rejected is not None:
            raise rejected(f"Posit Connect would not {what}: {message}")
        raise ConnectAPIError(f"cannot {what}: Posit Connect answered {status}: {message}")

    def api(self, method: str, path: str, *, what: str, **kwargs: Any) -> Any:
        """A JSON API call under ``/__api__/`` (keyword arguments as for :meth:`request`)."""
        response = self.request(method, f"/__api__/{path}", what=what, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise ConnectUnreachableError(
                f"{self.server.url} answered {path} with something other than JSON: is it a Posit Connect server?"
            ) from error

    # --- server and user ----------------------------------------------------------------------

    def server_version(self) -> str:
        settings = self.api("GET", "server_settings", what="read the server settings")
        if not isinstance(settings, dict) or "version" not in settings:
            raise ConnectUnreachableError(f"{self.server.url} does not look like a Posit Connect server")
        return str(settings["version"])

    def supports_drafts(self, version: str) -> bool:
        return parse_version(version) >= DRAFT_SINCE

    def current_user(self) -> dict[str, Any]:
        return self.api("GET", "v1/user", what="identify the API key's user")

    # --- content ------------------------------------------------------------------------------

    def content(self, guid: str) -> dict[str, Any]:
        return self.api("GET", f"v1/content/{guid}", what=f"read content {guid}")

    def find_content(self, name: str) -> list[dict[str, Any]]:
        return self.api("GET", "v1/content", params={"name": name}, what=f"look up content named {name!r}")

    def create_content(self, name: str, **fields: Any) -> dict[str, Any]:
        return self.api("POST", "v1/content", json={"name": name, **fields}, what=f"create content {name!r}")

    def update_content(self, guid: str, **fields: Any) -> dict[str, Any]:
        return self.api("PATCH", f"v1/content/{guid}", json=fields, what=f"update content {guid}")

    def set_environment(self, guid: str, variables: dict[str, str | None]) -> list[str]:
        """Set (``None``: remove) environment variables; returns the names the content now has."""
        body = [{"name": name, "value": value} for name, value in variables.items()]
        return self.api(
            "PATCH", f"v1/content/{guid}/environment", json=body, what=f"set environment variables of content {guid}"
        )

    # --- bundles, deploys, tasks --------------------------------------------------------------

    def upload_bundle(self, guid: str, archive: bytes) -> dict[str, Any]:
        """Upload a ``.tar.gz`` bundle (the raw body, as rsconnect-python sends it)."""
        return self.api(
            "POST",
            f"v1/content/{guid}/bundles",
            content=archive,
            rejected=BundleRejectedError,
            headers={"Content-Type": "application/x-tar"},
            what=f"accept the bundle for content {guid}",
        )

    def bundles(self, guid: str) -> list[dict[str, Any]]:
        return self.api("GET", f"v1/content/{guid}/bundles", what=f"list the bundles of content {guid}")

    def deploy(self, guid: str, bundle_id: str, *, activate: bool = True) -> str:
        """Start deploying a bundle; returns the task id. ``activate=False`` (a draft) is sent
        only when asked for, so servers older than drafts never see the field."""
        body: dict[str, Any] = {"bundle_id": bundle_id}
        if not activate:
            body["activate"] = False
        task = self.api(
            "POST", f"v1/content/{guid}/deploy", json=body, what=f"deploy bundle {bundle_id} of content {guid}"
        )
        return str(task["task_id"])

    def follow_task(self, task_id: str, log: Callable[[str], None], timeout: float = TASK_TIMEOUT) -> dict[str, Any]:
        """Poll a task (``first`` = lines seen, ``wait`` = 1 s long-poll), passing each new output
        line to ``log``; returns the finished task."""
        first = 0
        deadline = time.monotonic() + timeout
        while True:
            task = self.api(
                "GET", f"v1/tasks/{task_id}", params={"first": first, "wait": 1}, what=f"follow task {task_id}"
            )
            for line in task.get("output") or []:
                log(str(line))
            first = int(task.get("last") or first)
            if task.get("finished"):
                return task
            if time.monotonic() > deadline:
                raise ConnectAPIError(f"task {task_id} did not finish within {timeout:g} seconds")

    def get_content_url(self, url: str, timeout: float = CHECK_TIMEOUT) -> httpx.Response:
        """GET a content URL (Connect starts the app cold on the first request); returns the
        answer whatever its status, raising only when nothing answers."""
        try:
            return self._http.get(url, timeout=timeout)
        except httpx.TimeoutException:
            return httpx.Response(504, text=f"no answer within {timeout:g} seconds")
        except httpx.TransportError as error:
            raise ConnectUnreachableError(f"cannot reach Posit Connect at {self.server.url}: {error}") from error
