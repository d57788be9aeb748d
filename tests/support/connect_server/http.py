"""The Connect API and content URLs, as a Starlette app over a :class:`ConnectState`."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .bundles import validate_and_unpack
from .records import ACCESS_TYPES, CONTENT_SETTINGS, PYTHON_APP_MODES, ApiError, Bundle, User, _bad_request, _now
from .state import ConnectState


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


class ConnectApi:
    """The Connect API and content URL handlers, one method per route, over one :class:`ConnectState`."""

    def __init__(self, state: ConnectState) -> None:
        import httpx

        self.state = state
        self.proxy = httpx.AsyncClient(timeout=120)

    def caller(self, request: Request, required: bool = True) -> User | None:
        header = request.headers.get("authorization") or request.headers.get("x-rsc-authorization") or ""
        scheme, _, key = header.partition(" ")
        if scheme.lower() == "key" and key.strip():
            for user in self.state.users:
                if user.key == key.strip():
                    return user
            raise ApiError(401, 30, "Invalid or missing API key. Check that the key is correct and active.")
        if required:
            raise ApiError(401, 30, "Invalid or missing API key. Check that the key is correct and active.")
        return None

    def content_of(self, guid: str) -> dict[str, Any]:
        if guid not in self.state.content:
            raise ApiError(404, 4, f"content {guid} not found")
        return self.state.content[guid]

    def viewable(self, request: Request, guid: str) -> User:
        user = self.caller(request)
        assert user is not None
        self.content_of(guid)
        if not self.state.can_view(user, guid):
            raise ApiError(403, 10, "You do not have permission to perform this operation.")
        return user

    def editable(self, request: Request, guid: str) -> User:
        user = self.viewable(request, guid)
        if not self.state.can_edit(user, guid):
            raise ApiError(403, 10, "You do not have permission to perform this operation.")
        return user

    async def body_json(self, request: Request) -> Any:
        try:
            return json.loads(await request.body() or b"null")
        except ValueError as error:
            raise _bad_request(f"the request body is not valid JSON: {error}") from error

    # server and users

    async def server_settings(self, request: Request) -> Response:
        return _json(
            {
                "version": self.state.version,
                "build": "test",
                "hostname": "127.0.0.1",
                "license": {"tier": "test"},
                "python": {"enabled": True, "versions": [_python_version()]},
            }
        )

    async def python_settings(self, request: Request) -> Response:
        self.caller(request)
        return _json(
            {
                "installations": [{"version": _python_version(), "cluster_name": "Local", "image_name": "Local"}],
                "api_enabled": True,
            }
        )

    async def current_user(self, request: Request) -> Response:
        return _json(self.caller(request).record())  # type: ignore[union-attr]

    async def users(self, request: Request) -> Response:
        self.caller(request)
        prefix = request.query_params.get("prefix", "")
        matches = [u.record() for u in self.state.users if u.username.startswith(prefix)]
        page = int(request.query_params.get("page_number", "1"))
        size = int(request.query_params.get("page_size", "20"))
        return _json({"results": matches[(page - 1) * size : page * size], "current_page": page, "total": len(matches)})

    async def user_by_guid(self, request: Request) -> Response:
        self.caller(request)
        for user in self.state.users:
            if user.guid == request.path_params["guid"]:
                return _json(user.record())
        raise ApiError(404, 4, "user not found")

    # content

    async def content_list(self, request: Request) -> Response:
        user = self.caller(request)
        name = request.query_params.get("name")
        owner = request.query_params.get("owner_guid")
        return _json(
            [
                self.state.content_record(guid)
                for guid, item in self.state.content.items()
                if self.state.can_view(user, guid)
                and (name is None or item["name"] == name)
                and (owner is None or item["owner_guid"] == owner)
            ]
        )

    async def content_create(self, request: Request) -> Response:
        user = self.caller(request)
        assert user is not None
        if user.role == "viewer":
            raise ApiError(403, 10, "You do not have permission to perform this operation.")
        body = await self.body_json(request)
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise _bad_request("a content item needs a name")
        name = body["name"]
        if not (1 <= len(name) <= 64) or any(not (c.isalnum() or c in "-_") for c in name):
            raise _bad_request(f"invalid content name {name!r}: use 1-64 letters, digits, '-' or '_'")
        unknown = set(body) - CONTENT_SETTINGS - {"name"}
        if unknown:
            raise _bad_request(f"unknown content fields: {', '.join(sorted(unknown))}")
        with self.state._lock:
            if any(i["name"] == name and i["owner_guid"] == user.guid for i in self.state.content.values()):
                raise ApiError(409, 26, f"A content item named {name!r} already exists for this owner.")
            guid = str(uuid.uuid4())
            self.state.content[guid] = {
                "guid": guid,
                "id": self.state.new_id(),
                "name": name,
                "title": None,
                "description": "",
                "access_type": "acl",
                "owner_guid": user.guid,
                "app_mode": "unknown",
                "content_category": "",
                "bundle_id": None,
                "created_time": _now(),
                "last_deployed_time": None,
                "min_processes": None,
                "max_processes": None,
                "max_conns_per_process": None,
                "load_factor": None,
                "connection_timeout": None,
                "read_timeout": None,
                "init_timeout": None,
                "idle_timeout": None,
                "run_as": None,
                "run_as_current_user": False,
                "py_version": None,
                "locked": False,
            }
            _apply_settings(self.state.content[guid], {k: v for k, v in body.items() if k != "name"})
            self.state.collaborators[guid] = set()
            self.state.environment[guid] = {}
            self.state.bundles[guid] = {}
        return _json(self.state.content_record(guid))

    async def content_item(self, request: Request) -> Response:
        guid = request.path_params["guid"]
        if request.method == "GET":
            self.viewable(request, guid)
            return _json(self.state.content_record(guid))
        self.editable(request, guid)
        if request.method == "DELETE":
            for key in [k for k in self.state.apps if k[0] == guid]:
                self.state.apps.pop(key).stop()
            for table in (self.state.content, self.state.collaborators, self.state.environment, self.state.bundles):
                table.pop(guid, None)
            return Response(status_code=204)
        body = await self.body_json(request)
        if not isinstance(body, dict):
            raise _bad_request("expected a JSON object of content fields")
        unknown = set(body) - CONTENT_SETTINGS - {"name"}
        if unknown:
            raise _bad_request(f"unknown content fields: {', '.join(sorted(unknown))}")
        _apply_settings(self.state.content[guid], body)
        return _json(self.state.content_record(guid))

    async def environment(self, request: Request) -> Response:
        guid = request.path_params["guid"]
        self.editable(request, guid)
        if request.method == "GET":  # names only: Connect never returns values
            return _json(sorted(self.state.environment[guid]))
        body = await self.body_json(request)
        if not isinstance(body, list) or not all(isinstance(e, dict) and isinstance(e.get("name"), str) for e in body):
            raise _bad_request('expected a JSON list of {"name": ..., "value": ...}')
        variables = self.state.environment[guid]
        for entry in body:
            if entry.get("value") is None:
                variables.pop(entry["name"], None)  # a null value removes the variable
            else:
                variables[entry["name"]] = str(entry["value"])
        return _json(sorted(variables))

    # bundles

    async def bundles(self, request: Request) -> Response:
        guid = request.path_params["guid"]
        if request.method == "GET":
            self.viewable(request, guid)
            active = self.state.content[guid]["bundle_id"]
            return _json([b.record(active) for b in self.state.bundles[guid].values()])
        self.editable(request, guid)
        archive, metadata = await _upload(request)
        bundle_id = self.state.new_id()
        folder = self.state.root / "content" / guid / bundle_id
        manifest = validate_and_unpack(archive, folder)
        bundle = Bundle(bundle_id, guid, archive, manifest, folder, metadata)
        self.state.bundles[guid][bundle_id] = bundle
        return _json(bundle.record(self.state.content[guid]["bundle_id"]))

    def bundle_of(self, guid: str, bundle_id: str) -> Bundle:
        bundle = self.state.bundles.get(guid, {}).get(str(bundle_id))
        if bundle is None:
            raise ApiError(404, 4, f"bundle {bundle_id} of content {guid} not found")
        return bundle

    async def bundle_item(self, request: Request) -> Response:
        guid = request.path_params["guid"]
        if request.method == "DELETE":
            self.editable(request, guid)
            bundle = self.bundle_of(guid, request.path_params["bundle_id"])
            if bundle.id == self.state.content[guid]["bundle_id"]:
                raise _bad_request("the active bundle cannot be deleted")
            del self.state.bundles[guid][bundle.id]
            return Response(status_code=204)
        self.viewable(request, guid)
        bundle = self.bundle_of(guid, request.path_params["bundle_id"])
        return _json(bundle.record(self.state.content[guid]["bundle_id"]))

    async def bundle_download(self, request: Request) -> Response:
        guid = request.path_params["guid"]
        self.viewable(request, guid)
        bundle = self.bundle_of(guid, request.path_params["bundle_id"])
        return Response(
            bundle.archive,
            media_type="application/x-gzip",
            headers={"Content-Disposition": f'attachment; filename="bundle-{bundle.id}.tar.gz"'},
        )

    async def deploy(self, request: Request) -> Response:
        guid = request.path_params["guid"]
        self.editable(request, guid)
        body = await self.body_json(request)
        if not isinstance(body, dict) or set(body) - {"bundle_id", "activate"}:
            raise _bad_request('expected {"bundle_id": ..., "activate": ...}')
        bundle_id = body.get("bundle_id") or self.state.content[guid]["bundle_id"]
        if bundle_id is None:
            raise _bad_request("no bundle to deploy")
        activate = body.get("activate", True)
        if not isinstance(activate, bool):
            raise _bad_request("activate must be true or false")
        if "activate" in body and _older(self.state.version, "2025.06.0"):
            raise _bad_request("unknown field 'activate'")  # servers before drafts did not know it
        task = self.state.start_deploy(guid, self.bundle_of(guid, str(bundle_id)), activate)
        return _json({"task_id": task.id})

    async def task(self, request: Request) -> Response:
        self.caller(request)
        found = self.state.tasks.get(request.path_params["task_id"])
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

    async def applications(self, request: Request) -> Response:
        user = self.caller(request)
        wanted = request.query_params.get("filter", "")
        category = wanted.partition("content_type:")[2] if "content_type:" in wanted else None
        items = []
        for guid, item in self.state.content.items():
            if not self.state.can_view(user, guid) or (category and item.get("content_category") != category):
                continue
            owner = next(u for u in self.state.users if u.guid == item["owner_guid"])
            items.append(
                {
                    **self.state.content_record(guid),
                    "owner_username": owner.username,
                    "owner_guid": owner.guid,
                    "url": f"{self.state.url}/content/{guid}/",
                }
            )
        return _json({"applications": items, "count": len(items), "total": len(items), "continuation": len(items)})

    # content URLs

    async def content_url(self, request: Request) -> Response:
        guid = request.path_params["guid"]
        rest = request.path_params.get("rest", "")
        item = self.state.content.get(guid)
        if item is None:
            return PlainTextResponse("Not found", status_code=404)
        user = self.caller(request, required=False)
        if not self.state.can_view(user, guid):
            return PlainTextResponse(
                "Unauthorized: an API key with access to this content is needed",
                status_code=401 if user is None else 403,
            )
        head, _, tail = rest.partition("/")
        if head.startswith("_rev") or head.startswith("_bundle"):
            bundle = self.state.bundles[guid].get(head.removeprefix("_rev").removeprefix("_bundle"))
            if bundle is None:
                return PlainTextResponse("Not found", status_code=404)
            if head.startswith("_rev"):  # files of a bundle, as pins reads them
                return _bundle_file(bundle, tail)
            rest = tail
        else:
            if item["bundle_id"] is None:
                return PlainTextResponse("This content has not been deployed", status_code=404)
            bundle = self.state.bundles[guid][item["bundle_id"]]
        if bundle.manifest["metadata"]["appmode"] not in PYTHON_APP_MODES:
            return _bundle_file(bundle, rest or "index.html")
        from starlette.concurrency import run_in_threadpool

        app = await run_in_threadpool(self.state.app_for, guid, bundle)
        if not app.alive():
            lines = "\n".join(app.tail())
            return PlainTextResponse(f"The application failed to start: {app.failure}.\n{lines}", status_code=502)
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in {"host", "authorization", "x-rsc-authorization", "content-length"}
        }
        headers["RStudio-Connect-App-Base-URL"] = f"{self.state.url}/content/{guid}"
        upstream = await self.proxy.request(
            request.method,
            f"http://127.0.0.1:{app.port}/{rest}",
            params=request.query_params.multi_items(),
            headers=headers,
            content=await request.body(),
        )
        drop = {"content-length", "transfer-encoding", "connection", "content-encoding"}
        return Response(
            upstream.content,
            status_code=upstream.status_code,
            headers={k: v for k, v in upstream.headers.items() if k.lower() not in drop},
        )

    def routes(self) -> list[Route]:
        api = "/__api__"
        return [
            Route(f"{api}/server_settings", self.server_settings),
            Route(f"{api}/v1/server_settings/python", self.python_settings),
            Route(f"{api}/v1/user", self.current_user),
            Route(f"{api}/v1/users", self.users),
            Route(f"{api}/v1/users/{{guid}}", self.user_by_guid),
            Route(f"{api}/v1/content", self.content_list, methods=["GET"]),
            Route(f"{api}/v1/content", self.content_create, methods=["POST"]),
            Route(f"{api}/v1/content/{{guid}}", self.content_item, methods=["GET", "PATCH", "DELETE"]),
            Route(f"{api}/v1/content/{{guid}}/environment", self.environment, methods=["GET", "PATCH"]),
            Route(f"{api}/v1/content/{{guid}}/bundles", self.bundles, methods=["GET", "POST"]),
            Route(f"{api}/v1/content/{{guid}}/bundles/{{bundle_id}}", self.bundle_item, methods=["GET", "DELETE"]),
            Route(f"{api}/v1/content/{{guid}}/bundles/{{bundle_id}}/download", self.bundle_download),
            Route(f"{api}/v1/content/{{guid}}/deploy", self.deploy, methods=["POST"]),
            Route(f"{api}/v1/tasks/{{task_id}}", self.task),
            Route(f"{api}/applications", self.applications),
            Route("/__ping__", lambda request: _json({})),
            Route(
                "/content/{guid}/{rest:path}",
                self.content_url,
                methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
            ),
        ]


def build_app(state: ConnectState) -> Starlette:
    """The Starlette app serving ``state``."""
    app = Starlette(routes=ConnectApi(state).routes(), exception_handlers={ApiError: _handle_api_error})
    return _RequestLog(app, state)  # type: ignore[return-value]


async def _handle_api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return _json({"code": error.code, "error": error.message, "payload": None}, error.status)


class _RequestLog:
    """ASGI middleware recording each HTTP request's method and path in ``state.requests``."""

    def __init__(self, app: Any, state: ConnectState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.state.requests.append((scope["method"], scope["path"]))
        await self.app(scope, receive, send)


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
        counted = key in {
            "min_processes",
            "max_processes",
            "connection_timeout",
            "read_timeout",
            "init_timeout",
            "idle_timeout",
            "max_conns_per_process",
        }
        if counted and value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
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


def _bundle_file(bundle: Bundle, name: str) -> Response:
    path = (bundle.folder / name).resolve()
    if not path.is_relative_to(bundle.folder.resolve()) or not path.is_file():
        return PlainTextResponse("Not found", status_code=404)
    return FileResponse(path)
