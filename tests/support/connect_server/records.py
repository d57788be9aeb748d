"""Records of the Connect test server: users, bundles, tasks, and Connect's error shape."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

DRAFT_VERSION = "2025.09.0"
"""A version with draft deploys (Connect 2025.06 and later)."""
LEGACY_VERSION = "2024.08.0"
"""A version without them: deploy activates at once."""

PYTHON_APP_MODES = {"python-api", "python-fastapi", "python-dash", "python-streamlit", "python-bokeh", "python-shiny"}
APP_MODES = PYTHON_APP_MODES | {"static", "jupyter-static", "quarto-static", "rmd-static", "api", "shiny"}
ACCESS_TYPES = ("all", "logged_in", "acl")
CONTENT_SETTINGS = {
    "title",
    "description",
    "access_type",
    "min_processes",
    "max_processes",
    "max_conns_per_process",
    "load_factor",
    "connection_timeout",
    "read_timeout",
    "init_timeout",
    "idle_timeout",
    "run_as",
    "run_as_current_user",
    "default_image_name",
    "cpu_request",
    "cpu_limit",
    "memory_request",
    "memory_limit",
}
START_TIMEOUT = 150.0  # generous: a loaded CI machine imports pandas and scikit-learn slowly
OUTPUT_TAIL = 30


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ApiError(Exception):
    """An error answer in Connect's shape: ``{"code", "error", "payload"}`` with an HTTP status."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _bad_request(message: str) -> ApiError:
    return ApiError(400, 3, message)


@dataclass
class User:
    guid: str
    username: str
    key: str
    role: str  # "administrator", "publisher" or "viewer"

    def record(self) -> dict[str, Any]:
        return {
            "guid": self.guid,
            "username": self.username,
            "email": f"{self.username}@example.org",
            "first_name": self.username.title(),
            "last_name": "",
            "user_role": self.role,
            "created_time": "2026-01-01T00:00:00Z",
            "updated_time": "2026-01-01T00:00:00Z",
            "active_time": _now(),
            "confirmed": True,
            "locked": False,
        }


@dataclass
class Bundle:
    id: str
    content_guid: str
    archive: bytes
    manifest: dict[str, Any]
    folder: Path
    metadata: dict[str, Any]
    created_time: str = field(default_factory=_now)
    built: bool = False

    def record(self, active_id: str | None) -> dict[str, Any]:
        python = self.manifest.get("python") or {}
        return {
            "id": self.id,
            "content_guid": self.content_guid,
            "created_time": self.created_time,
            "cluster_name": "Local",
            "image_name": None,
            "r_version": None,
            "py_version": python.get("version"),
            "quarto_version": None,
            "active": self.id == active_id,
            "size": len(self.archive),
            "metadata": self.metadata,
        }


@dataclass
class Task:
    id: str
    output: list[str] = field(default_factory=list)
    finished: bool = False
    code: int = 0
    error: str = ""
    result: dict[str, Any] | None = None

    def record(self, first: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "output": self.output[first:],
            "finished": self.finished,
            "code": self.code,
            "error": self.error,
            "last": len(self.output),
            "result": self.result,
        }
