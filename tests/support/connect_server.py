"""A Connect API test server: a stand-in for Posit Connect, which cannot run here.

Posit Connect needs a licence and its image cannot be pulled, so the deploy tests talk to this
server instead. It speaks the part of Connect's API that the real clients call (rsconnect-python,
``pins.board_connect`` and vetiver-connect; recorded in testing-real-parts.md section 3), and the
calibration tests in ``tests/plugins/connect/test_server_calibration.py`` drive it with
rsconnect-python and pins so it accepts what those clients send and nothing looser:

* ``Authorization: Key <key>`` on everything but ``server_settings``; users with roles (a
  publisher, a second publisher, a viewer); 401/403/404/409 as ``{"code", "error", "payload"}``;
* server settings (the reported version selects the draft or the one-step deploy flow), current
  user, paginated users, content create / get / list / patch / delete, environment variables;
* bundle upload (raw tar, or multipart with ``archive`` and ``metadata``), validated: gzip tar,
  ``manifest.json`` version 1, a known app mode, entrypoint file and requirements file present,
  listed files present with matching md5 checksums (pins' list form with directories included);
* deploy with and without ``activate``, tasks polled with ``first`` and ``wait``;
* the app really runs: the deploy task unpacks the bundle and installs its requirements into a
  fresh virtual environment *offline* (``--no-index --find-links`` the wheelhouse the test gives;
  environments are reused by requirements hash, as Connect reuses its package caches); the first
  request to ``/content/{guid}/`` or a draft's ``/content/{guid}/_bundle{id}/`` starts it with
  uvicorn on 127.0.0.1 (cold, like Connect), with ``CONNECT_SERVER`` and ``CONNECT_API_KEY`` set
  as Connect sets them, and proxies to it; an app that exits at start answers 502 with its last
  output lines;
* the downloads pins reads: ``/content/{guid}/_rev{id}/<file>``, bundle downloads and the legacy
  ``applications`` search.

Everything listens on 127.0.0.1. State is in memory, apps run as child processes stopped by PID.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

DRAFT_VERSION = "2025.09.0"
"""A version with draft deploys (Connect 2025.06 and later)."""
LEGACY_VERSION = "2024.08.0"
"""A version without them: deploy activates at once."""

PYTHON_APP_MODES = {"python-api", "python-fastapi", "python-dash", "python-streamlit", "python-bokeh", "python-shiny"}
APP_MODES = PYTHON_APP_MODES | {"static", "jupyter-static", "quarto-static", "rmd-static", "api", "shiny"}
ACCESS_TYPES = ("all", "logged_in", "acl")
CONTENT_SETTINGS = {
    "title", "description", "access_type", "min_processes", "max_processes", "max_conns_per_process",
    "load_factor", "connection_timeout", "read_timeout", "init_timeout", "idle_timeout", "run_as",
    "run_as_current_user", "default_image_name", "cpu_request", "cpu_limit", "memory_request", "memory_limit",
}
START_TIMEOUT = 90.0
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
            "guid": self.guid, "username": self.username, "email": f"{self.username}@example.org",
            "first_name": self.username.title(), "last_name": "", "user_role": self.role,
            "created_time": "2026-01-01T00:00:00Z", "updated_time": "2026-01-01T00:00:00Z",
            "active_time": _now(), "confirmed": True, "locked": False,
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
            "id": self.id, "content_guid": self.content_guid, "created_time": self.created_time,
            "cluster_name": "Local", "image_name": None, "r_version": None,
            "py_version": python.get("version"), "quarto_version": None,
            "active": self.id == active_id, "size": len(self.archive), "metadata": self.metadata,
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
            "id": self.id, "output": self.output[first:], "finished": self.finished, "code": self.code,
            "error": self.error, "last": len(self.output), "result": self.result,
        }


@dataclass
class AppProcess:
    """One bundle's app: a uvicorn child process on a loopback port, or why it failed to start."""

    process: subprocess.Popen | None
    port: int
    log: Path
    failure: str = ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self) -> list[str]:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return lines[-OUTPUT_TAIL:]

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Environments:
    """Virtual environments per requirements hash, installed offline from a wheelhouse."""

    def __init__(self, root: Path, wheelhouse: Path | None) -> None:
        self.root = root
        self.wheelhouse = wheelhouse
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def key(self, folder: Path, requirements: Path) -> str:
        digest = hashlib.sha256(requirements.read_bytes())
        for wheel in sorted(folder.rglob("*.whl")):  # wheels shipped inside the bundle
            digest.update(wheel.name.encode() + hashlib.sha256(wheel.read_bytes()).digest())
        return digest.hexdigest()[:16]

    def build(self, folder: Path, requirements: Path, log: list[str]) -> Path:
        """Install ``requirements`` (relative paths resolve against ``folder``) and return the
        environment; raises ``RuntimeError`` with the installer's last lines when it fails."""
        key = self.key(folder, requirements)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        env_dir = self.root / key
        with lock:
            if (env_dir / ".complete").exists():
                log.append(f"Reusing the Python environment for these requirements ({key}).")
                return env_dir
            shutil.rmtree(env_dir, ignore_errors=True)
            log.append(f"Building a Python environment ({key}) from {requirements.name}, offline.")
            uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
            find_links = ["--find-links", str(self.wheelhouse)] if self.wheelhouse else []
            if uv:
                steps = [
                    [uv, "venv", "--quiet", "--python", sys.executable, str(env_dir)],
                    [uv, "pip", "install", "--offline", "--no-index", *find_links,
                     "--python", str(env_dir / "bin" / "python"), "-r", str(requirements)],
                ]
            else:
                steps = [
                    [sys.executable, "-m", "venv", str(env_dir)],
                    [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
                     "--no-index", *find_links, "-r", str(requirements)],
                ]
            for step in steps:
                result = subprocess.run(step, cwd=folder, capture_output=True, text=True, timeout=900,
                                        env={**os.environ, "UV_NO_PROGRESS": "1"})
                lines = (result.stdout + result.stderr).strip().splitlines()
                log.extend(lines[-OUTPUT_TAIL:])
                if result.returncode != 0:
                    shutil.rmtree(env_dir, ignore_errors=True)
                    raise RuntimeError("; ".join(line.strip() for line in lines[-5:]) or "install failed")
            (env_dir / ".complete").write_text(key)
            return env_dir


class ConnectState:
    """Users, content, bundles, tasks and running apps of one test server."""

    def __init__(self, root: Path, wheelhouse: Path | None, version: str = DRAFT_VERSION) -> None:
        self.root = root
        self.version = version
        self.url = ""  # set once listening
        self.environments = Environments(root / "envs", wheelhouse)
        self.users = [
            User(str(uuid.uuid4()), "alice", "alice-key-" + uuid.uuid4().hex, "publisher"),
            User(str(uuid.uuid4()), "bob", "bob-key-" + uuid.uuid4().hex, "publisher"),
            User(str(uuid.uuid4()), "carol", "carol-key-" + uuid.uuid4().hex, "viewer"),
        ]
        self.content: dict[str, dict[str, Any]] = {}
        self.collaborators: dict[str, set[str]] = {}
        self.environment: dict[str, dict[str, str]] = {}
        self.bundles: dict[str, dict[str, Bundle]] = {}
        self.tasks: dict[str, Task] = {}
        self.apps: dict[tuple[str, str], AppProcess] = {}
        self.requests: list[tuple[str, str]] = []
        self._next_id = 0
        self._lock = threading.RLock()
        self._start_locks: dict[tuple[str, str], threading.Lock] = {}

    # --- helpers used by tests ----------------------------------------------------------------

    def user(self, username: str) -> User:
        return next(u for u in self.users if u.username == username)

    def reset_log(self) -> None:
        self.requests.clear()

    def calls(self) -> list[str]:
        """The API calls since the last reset, as ``"METHOD /path"`` with ids replaced by ``{guid}``."""
        out = []
        for method, path in self.requests:
            for guid in self.content:
                path = path.replace(guid, "{guid}")
            for task in self.tasks:
                path = path.replace(task, "{task}")
            out.append(f"{method} {path}")
        return out

    def stop_apps(self) -> None:
        for app in list(self.apps.values()):
            app.stop()

    # --- records ------------------------------------------------------------------------------

    def new_id(self) -> str:
        with self._lock:
            self._next_id += 1
            return str(self._next_id)

    def content_record(self, guid: str) -> dict[str, Any]:
        record = dict(self.content[guid])
        record["content_url"] = f"{self.url}/content/{guid}/"
        record["dashboard_url"] = f"{self.url}/connect/#/apps/{guid}"
        return record

    def can_edit(self, user: User, guid: str) -> bool:
        item = self.content[guid]
        return user.role == "administrator" or item["owner_guid"] == user.guid or user.guid in self.collaborators[guid]

    def can_view(self, user: User | None, guid: str) -> bool:
        access = self.content[guid]["access_type"]
        if access == "all":
            return True
        if user is None:
            return False
        return access == "logged_in" or self.can_edit(user, guid)

    # --- deploy tasks -------------------------------------------------------------------------

    def start_deploy(self, guid: str, bundle: Bundle, activate: bool) -> Task:
        task = Task(uuid.uuid4().hex)
        self.tasks[task.id] = task
        threading.Thread(target=self._deploy, args=(guid, bundle, activate, task), daemon=True).start()
        return task

    def _deploy(self, guid: str, bundle: Bundle, activate: bool, task: Task) -> None:
        mode = bundle.manifest["metadata"]["appmode"]
        task.output.append(f"Building {mode} application (bundle {bundle.id})...")
        try:
            if mode in PYTHON_APP_MODES:
                self._build(bundle, task.output)
            task.output.append("Bundle built." if mode in PYTHON_APP_MODES else "Bundle deployed.")
        except RuntimeError as error:
            task.output.append(f"Build error: {error}")
            task.code, task.error, task.finished = 1, f"Unable to build the bundle: {error}", True
            return
        if activate:
            self.activate(guid, bundle)
            task.output.append(f"Activated bundle {bundle.id}.")
        else:
            task.output.append(f"Bundle {bundle.id} is a draft; it is not active.")
        task.result = {"type": "", "data": None}
        task.finished = True

    def _build(self, bundle: Bundle, log: list[str]) -> None:
        python = bundle.manifest.get("python") or {}
        package_file = (python.get("package_manager") or {}).get("package_file") or "requirements.txt"
        env_dir = self.environments.build(bundle.folder, bundle.folder / package_file, log)
        (bundle.folder / ".environment").write_text(str(env_dir))
        bundle.built = True

    def activate(self, guid: str, bundle: Bundle) -> None:
        with self._lock:
            item = self.content[guid]
            previous = item.get("bundle_id")
            metadata = bundle.manifest["metadata"]
            item.update(bundle_id=bundle.id, app_mode=metadata["appmode"],
                        content_category=metadata.get("content_category", ""), last_deployed_time=_now())
            python = bundle.manifest.get("python") or {}
            item["py_version"] = python.get("version")
        # New requests go to the new bundle's processes; the old ones are stopped.
        if previous and previous != bundle.id and (guid, previous) in self.apps:
            self.apps.pop((guid, previous)).stop()

    # --- running apps -------------------------------------------------------------------------

    def app_for(self, guid: str, bundle: Bundle) -> AppProcess:
        """The bundle's running app, started cold on first use (blocks while it starts)."""
        key = (guid, bundle.id)
        with self._lock:
            lock = self._start_locks.setdefault(key, threading.Lock())
        with lock:
            app = self.apps.get(key)
            if app is not None and (app.alive() or app.failure):
                return app
            app = self._start(guid, bundle)
            self.apps[key] = app
            return app

    def _start(self, guid: str, bundle: Bundle) -> AppProcess:
        port = free_port()
        log = bundle.folder.parent / f"{bundle.id}.log"
        env_file = bundle.folder / ".environment"
        if not bundle.built or not env_file.exists():
            return AppProcess(None, port, log, failure="the bundle has not been built")
        python = Path(env_file.read_text()) / "bin" / "python"
        home = bundle.folder.parent / f"{bundle.id}-home"
        home.mkdir(exist_ok=True)
        owner = next(u for u in self.users if u.guid == self.content[guid]["owner_guid"])
        env = {
            "PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
            **self.environment.get(guid, {}),
            # Connect gives every content process these (the key acts as the content's owner).
            "CONNECT_SERVER": self.url, "CONNECT_API_KEY": owner.key,
        }
        entrypoint = bundle.manifest["metadata"]["entrypoint"]
        with log.open("ab") as out:
            process = subprocess.Popen(
                [str(python), "-m", "uvicorn", entrypoint, "--host", "127.0.0.1", "--port", str(port)],
                cwd=bundle.folder, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        app = AppProcess(process, port, log)
        init_timeout = float(self.content[guid].get("init_timeout") or START_TIMEOUT)
        deadline = time.monotonic() + init_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                app.failure = f"the application exited with status {process.returncode} while starting"
                return app
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return app
            time.sleep(0.1)
        app.stop()
        app.failure = f"the application did not start listening within {init_timeout:g} seconds"
        return app


# --- the HTTP app -------------------------------------------------------------------------------


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


def build_app(state: ConnectState) -> Starlette:
    """The Starlette app serving ``state``."""
    import httpx

    proxy = httpx.AsyncClient(timeout=120)

    def caller(request: Request, required: bool = True) -> User | None:
        header = request.headers.get("authorization") or request.headers.get("x-rsc-authorization") or ""
        scheme, _, key = header.partition(" ")
        if scheme.lower() == "key" and key.strip():
            for user in state.users:
                if user.key == key.strip():
                    return user
            raise ApiError(401, 30, "Invalid or missing API key. Check that the key is correct and active.")
        if required:
            raise ApiError(401, 30, "Invalid or missing API key. Check that the key is correct and active.")
        return None

    def content_of(guid: str) -> dict[str, Any]:
        if guid not in state.content:
            raise ApiError(404, 4, f"content {guid} not found")
        return state.content[guid]

    def viewable(request: Request, guid: str) -> User:
        user = caller(request)
        assert user is not None
        content_of(guid)
        if not state.can_view(user, guid):
            raise ApiError(403, 10, "You do not have permission to perform this operation.")
        return user

    def editable(request: Request, guid: str) -> User:
        user = viewable(request, guid)
        if not state.can_edit(user, guid):
            raise ApiError(403, 10, "You do not have permission to perform this operation.")
        return user

    async def body_json(request: Request) -> Any:
        try:
            return json.loads(await request.body() or b"null")
        except ValueError as error:
            raise _bad_request(f"the request body is not valid JSON: {error}") from error

    # server and users

    async def server_settings(request: Request) -> Response:
        return _json({"version": state.version, "build": "test", "hostname": "127.0.0.1",
                      "license": {"tier": "test"}, "python": {"enabled": True, "versions": [_python_version()]}})

    async def python_settings(request: Request) -> Response:
        caller(request)
        return _json({"installations": [{"version": _python_version(), "cluster_name": "Local", "image_name": "Local"}],
                      "api_enabled": True})

    async def current_user(request: Request) -> Response:
        return _json(caller(request).record())  # type: ignore[union-attr]

    async def users(request: Request) -> Response:
        caller(request)
        prefix = request.query_params.get("prefix", "")
        matches = [u.record() for u in state.users if u.username.startswith(prefix)]
        page = int(request.query_params.get("page_number", "1"))
        size = int(request.query_params.get("page_size", "20"))
        return _json({"results": matches[(page - 1) * size: page * size], "current_page": page, "total": len(matches)})

    async def user_by_guid(request: Request) -> Response:
        caller(request)
        for user in state.users:
            if user.guid == request.path_params["guid"]:
                return _json(user.record())
        raise ApiError(404, 4, "user not found")

    # content

    async def content_list(request: Request) -> Response:
        user = caller(request)
        name = request.query_params.get("name")
        owner = request.query_params.get("owner_guid")
        return _json([
            state.content_record(guid) for guid, item in state.content.items()
            if state.can_view(user, guid) and (name is None or item["name"] == name)
            and (owner is None or item["owner_guid"] == owner)
        ])

    async def content_create(request: Request) -> Response:
        user = caller(request)
        assert user is not None
        if user.role == "viewer":
            raise ApiError(403, 10, "You do not have permission to perform this operation.")
        body = await body_json(request)
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise _bad_request("a content item needs a name")
        name = body["name"]
        if not (1 <= len(name) <= 64) or any(not (c.isalnum() or c in "-_") for c in name):
            raise _bad_request(f"invalid content name {name!r}: use 1-64 letters, digits, '-' or '_'")
        unknown = set(body) - CONTENT_SETTINGS - {"name"}
        if unknown:
            raise _bad_request(f"unknown content fields: {', '.join(sorted(unknown))}")
        with state._lock:
            if any(i["name"] == name and i["owner_guid"] == user.guid for i in state.content.values()):
                raise ApiError(409, 26, f"A content item named {name!r} already exists for this owner.")
            guid = str(uuid.uuid4())
            state.content[guid] = {
                "guid": guid, "id": state.new_id(), "name": name, "title": None, "description": "",
                "access_type": "acl", "owner_guid": user.guid, "app_mode": "unknown", "content_category": "",
                "bundle_id": None, "created_time": _now(), "last_deployed_time": None,
                "min_processes": None, "max_processes": None, "max_conns_per_process": None, "load_factor": None,
                "connection_timeout": None, "read_timeout": None, "init_timeout": None, "idle_timeout": None,
                "run_as": None, "run_as_current_user": False, "py_version": None, "locked": False,
            }
            _apply_settings(state.content[guid], {k: v for k, v in body.items() if k != "name"})
            state.collaborators[guid] = set()
            state.environment[guid] = {}
            state.bundles[guid] = {}
        return _json(state.content_record(guid))

    async def content_item(request: Request) -> Response:
        guid = request.path_params["guid"]
        if request.method == "GET":
            viewable(request, guid)
            return _json(state.content_record(guid))
        editable(request, guid)
        if request.method == "DELETE":
            for key in [k for k in state.apps if k[0] == guid]:
                state.apps.pop(key).stop()
            for table in (state.content, state.collaborators, state.environment, state.bundles):
                table.pop(guid, None)
            return Response(status_code=204)
        body = await body_json(request)
        if not isinstance(body, dict):
            raise _bad_request("expected a JSON object of content fields")
        unknown = set(body) - CONTENT_SETTINGS - {"name"}
        if unknown:
            raise _bad_request(f"unknown content fields: {', '.join(sorted(unknown))}")
        _apply_settings(state.content[guid], body)
        return _json(state.content_record(guid))

    async def environment(request: Request) -> Response:
        guid = request.path_params["guid"]
        editable(request, guid)
        if request.method == "GET":  # names only: Connect never returns values
            return _json(sorted(state.environment[guid]))
        body = await body_json(request)
        if not isinstance(body, list) or not all(isinstance(e, dict) and isinstance(e.get("name"), str) for e in body):
            raise _bad_request('expected a JSON list of {"name": ..., "value": ...}')
        variables = state.environment[guid]
        for entry in body:
            if entry.get("value") is None:
                variables.pop(entry["name"], None)  # a null value removes the variable
            else:
                variables[entry["name"]] = str(entry["value"])
        return _json(sorted(variables))

    # bundles

    async def bundles(request: Request) -> Response:
        guid = request.path_params["guid"]
        if request.method == "GET":
            viewable(request, guid)
            active = state.content[guid]["bundle_id"]
            return _json([b.record(active) for b in state.bundles[guid].values()])
        editable(request, guid)
        archive, metadata = await _upload(request)
        bundle_id = state.new_id()
        folder = state.root / "content" / guid / bundle_id
        manifest = _validate_and_unpack(archive, folder)
        bundle = Bundle(bundle_id, guid, archive, manifest, folder, metadata)
        state.bundles[guid][bundle_id] = bundle
        return _json(bundle.record(state.content[guid]["bundle_id"]))

    def bundle_of(guid: str, bundle_id: str) -> Bundle:
        bundle = state.bundles.get(guid, {}).get(str(bundle_id))
        if bundle is None:
            raise ApiError(404, 4, f"bundle {bundle_id} of content {guid} not found")
        return bundle

    async def bundle_item(request: Request) -> Response:
        guid = request.path_params["guid"]
        if request.method == "DELETE":
            editable(request, guid)
            bundle = bundle_of(guid, request.path_params["bundle_id"])
            if bundle.id == state.content[guid]["bundle_id"]:
                raise _bad_request("the active bundle cannot be deleted")
            del state.bundles[guid][bundle.id]
            return Response(status_code=204)
        viewable(request, guid)
        bundle = bundle_of(guid, request.path_params["bundle_id"])
        return _json(bundle.record(state.content[guid]["bundle_id"]))

    async def bundle_download(request: Request) -> Response:
        guid = request.path_params["guid"]
        viewable(request, guid)
        bundle = bundle_of(guid, request.path_params["bundle_id"])
        return Response(bundle.archive, media_type="application/x-gzip",
                        headers={"Content-Disposition": f'attachment; filename="bundle-{bundle.id}.tar.gz"'})

    async def deploy(request: Request) -> Response:
        guid = request.path_params["guid"]
        editable(request, guid)
        body = await body_json(request)
        if not isinstance(body, dict) or set(body) - {"bundle_id", "activate"}:
            raise _bad_request('expected {"bundle_id": ..., "activate": ...}')
        bundle_id = body.get("bundle_id") or state.content[guid]["bundle_id"]
        if bundle_id is None:
            raise _bad_request("no bundle to deploy")
        activate = body.get("activate", True)
        if not isinstance(activate, bool):
            raise _bad_request("activate must be true or false")
        if "activate" in body and _older(state.version, "2025.06.0"):
            raise _bad_request("unknown field 'activate'")  # servers before drafts did not know it
        task = state.start_deploy(guid, bundle_of(guid, str(bundle_id)), activate)
        return _json({"task_id": task.id})

    async def task(request: Request) -> Response:
        caller(request)
        found = state.tasks.get(request.path_params["task_id"])
        if found is None:
            raise ApiError(404, 4, "task not found")
        try:
            first = int(request.query_params.get("first") or 0)
            wait = min(float(request.query_params.get("wait") or 0), 10.0)
        except ValueError as error:
            raise _bad_request(f"first and wait must be numbers: {error}") from error
        deadline = time.monotonic() + wait
        while not found.finished and len(found.output) <= first and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return _json(found.record(first))

    # legacy v0 search pins uses for pin_list

    async def applications(request: Request) -> Response:
        user = caller(request)
        wanted = request.query_params.get("filter", "")
        category = wanted.partition("content_type:")[2] if "content_type:" in wanted else None
        items = []
        for guid, item in state.content.items():
            if not state.can_view(user, guid) or (category and item.get("content_category") != category):
                continue
            owner = next(u for u in state.users if u.guid == item["owner_guid"])
            items.append({**state.content_record(guid), "owner_username": owner.username,
                          "owner_guid": owner.guid, "url": f"{state.url}/content/{guid}/"})
        return _json({"applications": items, "count": len(items), "total": len(items), "continuation": len(items)})

    # content URLs

    async def content_url(request: Request) -> Response:
        guid = request.path_params["guid"]
        rest = request.path_params.get("rest", "")
        item = state.content.get(guid)
        if item is None:
            return PlainTextResponse("Not found", status_code=404)
        user = caller(request, required=False)
        if not state.can_view(user, guid):
            return PlainTextResponse("Unauthorized: an API key with access to this content is needed",
                                     status_code=401 if user is None else 403)
        head, _, tail = rest.partition("/")
        if head.startswith("_rev") or head.startswith("_bundle"):
            bundle = state.bundles[guid].get(head.removeprefix("_rev").removeprefix("_bundle"))
            if bundle is None:
                return PlainTextResponse("Not found", status_code=404)
            if head.startswith("_rev"):  # files of a bundle, as pins reads them
                return _bundle_file(bundle, tail)
            rest = tail
        else:
            if item["bundle_id"] is None:
                return PlainTextResponse("This content has not been deployed", status_code=404)
            bundle = state.bundles[guid][item["bundle_id"]]
        if bundle.manifest["metadata"]["appmode"] not in PYTHON_APP_MODES:
            return _bundle_file(bundle, rest or "index.html")
        from starlette.concurrency import run_in_threadpool

        app = await run_in_threadpool(state.app_for, guid, bundle)
        if not app.alive():
            lines = "\n".join(app.tail())
            return PlainTextResponse(f"The application failed to start: {app.failure}.\n{lines}", status_code=502)
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in {"host", "authorization", "x-rsc-authorization", "content-length"}}
        headers["RStudio-Connect-App-Base-URL"] = f"{state.url}/content/{guid}"
        upstream = await proxy.request(
            request.method, f"http://127.0.0.1:{app.port}/{rest}", params=request.query_params.multi_items(),
            headers=headers, content=await request.body(),
        )
        drop = {"content-length", "transfer-encoding", "connection", "content-encoding"}
        return Response(upstream.content, status_code=upstream.status_code,
                        headers={k: v for k, v in upstream.headers.items() if k.lower() not in drop})

    async def handle_api_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, ApiError)
        return _json({"code": error.code, "error": error.message, "payload": None}, error.status)

    class Log:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                state.requests.append((scope["method"], scope["path"]))
            await self.app(scope, receive, send)

    api = "/__api__"
    routes = [
        Route(f"{api}/server_settings", server_settings),
        Route(f"{api}/v1/server_settings/python", python_settings),
        Route(f"{api}/v1/user", current_user),
        Route(f"{api}/v1/users", users),
        Route(f"{api}/v1/users/{{guid}}", user_by_guid),
        Route(f"{api}/v1/content", content_list, methods=["GET"]),
        Route(f"{api}/v1/content", content_create, methods=["POST"]),
        Route(f"{api}/v1/content/{{guid}}", content_item, methods=["GET", "PATCH", "DELETE"]),
        Route(f"{api}/v1/content/{{guid}}/environment", environment, methods=["GET", "PATCH"]),
        Route(f"{api}/v1/content/{{guid}}/bundles", bundles, methods=["GET", "POST"]),
        Route(f"{api}/v1/content/{{guid}}/bundles/{{bundle_id}}", bundle_item, methods=["GET", "DELETE"]),
        Route(f"{api}/v1/content/{{guid}}/bundles/{{bundle_id}}/download", bundle_download),
        Route(f"{api}/v1/content/{{guid}}/deploy", deploy, methods=["POST"]),
        Route(f"{api}/v1/tasks/{{task_id}}", task),
        Route(f"{api}/applications", applications),
        Route("/__ping__", lambda request: _json({})),
        Route("/content/{guid}/{rest:path}", content_url,
              methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
    ]
    app = Starlette(routes=routes, exception_handlers={ApiError: handle_api_error})
    return Log(app)  # type: ignore[return-value]


def _python_version() -> str:
    return ".".join(map(str, sys.version_info[:3]))


def _older(version: str, than: str) -> bool:
    def parts(v: str) -> tuple[int, ...]:
        return tuple(int(p) for p in v.split(".")[:3] if p.isdigit())

    return parts(version) < parts(than)


def _apply_settings(item: dict[str, Any], settings: dict[str, Any]) -> None:
    if "access_type" in settings and settings["access_type"] not in ACCESS_TYPES:
        raise _bad_request(f"access_type must be one of {', '.join(ACCESS_TYPES)}")
    for key, value in settings.items():
        if key in {"min_processes", "max_processes", "connection_timeout", "read_timeout", "init_timeout",
                   "idle_timeout", "max_conns_per_process"} and value is not None:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise _bad_request(f"{key} must be a non-negative integer")
    merged = {**item, **settings}
    low, high = merged.get("min_processes"), merged.get("max_processes")
    if low is not None and high is not None and low > high:
        raise _bad_request("min_processes cannot exceed max_processes")
    item.update(settings)


async def _upload(request: Request) -> tuple[bytes, dict[str, Any]]:
    """The tarball of a bundle upload: the raw body, or the ``archive`` part of a multipart form
    (with its ``metadata`` JSON), as rsconnect-python sends them."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        archive = form.get("archive")
        if archive is None or isinstance(archive, str):
            raise _bad_request("a multipart bundle upload needs an 'archive' file part")
        metadata_text = form.get("metadata") or "{}"
        try:
            metadata = json.loads(metadata_text if isinstance(metadata_text, str) else await metadata_text.read())
        except ValueError as error:
            raise _bad_request(f"the 'metadata' part is not JSON: {error}") from error
        return await archive.read(), metadata if isinstance(metadata, dict) else {}
    return await request.body(), {}


def _member_name(name: str) -> str:
    return name.removeprefix("./").strip("/")


def _validate_and_unpack(archive: bytes, folder: Path) -> dict[str, Any]:
    """Check a bundle as Connect does and unpack it into ``folder``; returns its manifest."""
    if not archive:
        raise _bad_request("the bundle is empty")
    if archive[:2] != b"\x1f\x8b":
        raise _bad_request("the bundle is not a gzip-compressed tar archive")
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            members = tar.getmembers()
            files: dict[str, bytes] = {}
            directories = set()
            for member in members:
                name = _member_name(member.name)
                if not name:
                    continue
                if member.name.startswith("/") or ".." in Path(name).parts:
                    raise _bad_request(f"the bundle holds a path outside its root: {member.name!r}")
                if member.isdir():
                    directories.add(name)
                elif member.isfile():
                    extracted = tar.extractfile(member)
                    files[name] = extracted.read() if extracted else b""
                else:
                    raise _bad_request(f"the bundle holds a link or special file: {member.name!r}")
    except (tarfile.TarError, EOFError, OSError) as error:
        raise _bad_request(f"the bundle is not a readable gzip tar archive: {error}") from error
    for name in files:
        parent = Path(name).parent
        while str(parent) != ".":
            directories.add(str(parent))
            parent = parent.parent

    if "manifest.json" not in files:
        raise _bad_request("the bundle has no manifest.json at its root")
    try:
        manifest = json.loads(files["manifest.json"])
    except ValueError as error:
        raise _bad_request(f"manifest.json is not valid JSON: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("version") != 1:
        raise _bad_request("manifest.json must have version 1")
    metadata = manifest.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("appmode") not in APP_MODES:
        mode = metadata.get("appmode") if isinstance(metadata, dict) else None
        raise _bad_request(f"manifest.json has an unknown app mode {mode!r}")
    if metadata["appmode"] in PYTHON_APP_MODES:
        entrypoint = metadata.get("entrypoint")
        if not isinstance(entrypoint, str) or not entrypoint.strip():
            raise _bad_request(f"a {metadata['appmode']} manifest needs metadata.entrypoint")
        module = entrypoint.partition(":")[0].replace(".", "/")
        if f"{module}.py" not in files and f"{module}/__init__.py" not in files:
            raise _bad_request(f"the entrypoint {entrypoint!r} names a module the bundle does not hold")
        python = manifest.get("python")
        if not isinstance(python, dict) or not isinstance(python.get("package_manager"), dict):
            raise _bad_request("a Python manifest needs python.package_manager")
        package_file = python["package_manager"].get("package_file") or "requirements.txt"
        if package_file not in files:
            raise _bad_request(f"the bundle lacks its requirements file {package_file!r}")
    listed = manifest.get("files", {})
    if isinstance(listed, list):  # pins' static bundles: names only, directories included
        for name in listed:
            if _member_name(name) not in files and _member_name(name) not in directories:
                raise _bad_request(f"manifest.json lists {name!r} but the bundle lacks it")
    elif isinstance(listed, dict):
        for name, info in listed.items():
            data = files.get(_member_name(name))
            if data is None:
                raise _bad_request(f"manifest.json lists {name!r} but the bundle lacks it")
            checksum = info.get("checksum") if isinstance(info, dict) else None
            if checksum is not None and hashlib.md5(data, usedforsecurity=False).hexdigest() != checksum:
                raise _bad_request(f"the checksum of {name!r} does not match manifest.json")
    else:
        raise _bad_request("manifest.json files must be an object or a list")

    folder.mkdir(parents=True)
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for name in directories:
        (folder / name).mkdir(parents=True, exist_ok=True)
    return manifest


def _bundle_file(bundle: Bundle, name: str) -> Response:
    path = (bundle.folder / name).resolve()
    if not path.is_relative_to(bundle.folder.resolve()) or not path.is_file():
        return PlainTextResponse("Not found", status_code=404)
    return FileResponse(path)


# --- running it ---------------------------------------------------------------------------------


class ConnectTestServer:
    """A running test server: ``url``, ``state``, and a user's key via :meth:`key`."""

    def __init__(self, state: ConnectState, server: Any, thread: threading.Thread) -> None:
        self.state = state
        self._server = server
        self._thread = thread

    @property
    def url(self) -> str:
        return self.state.url

    def key(self, username: str = "alice") -> str:
        return self.state.user(username).key

    def stop(self) -> None:
        self.state.stop_apps()
        self._server.should_exit = True
        self._thread.join(timeout=15)


@contextlib.contextmanager
def connect_server(root: Path, wheelhouse: Path | None = None, version: str = DRAFT_VERSION) -> Iterator[ConnectTestServer]:
    """Start a test server on a free 127.0.0.1 port, keeping state under ``root``; stop it (and
    every app it started) on exit."""
    import uvicorn

    state = ConnectState(root, wheelhouse, version)
    port = free_port()
    state.url = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(build_app(state), host="127.0.0.1", port=port, log_level="warning",
                            access_log=False, lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the Connect test server did not start")
        time.sleep(0.05)
    running = ConnectTestServer(state, server, thread)
    try:
        yield running
    finally:
        running.stop()
