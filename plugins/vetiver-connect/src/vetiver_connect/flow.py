"""The deploy flow: find or create the content, configure it, upload, then release the bundle so
that one failing to start never replaces the one serving.

On Connect 2025.06 and later a bundle is deployed as a draft, its build log followed, the draft
checked at its ``_bundle{id}`` URL, and only then activated. Older servers have no drafts: the
bundle is deployed active and the content checked afterwards (a failure then says how to roll
back). vetiver 0.2.6, through rsconnect-python's programmatic path, activated blindly.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .client import ConnectClient
from .errors import (
    BuildFailedError,
    ContentCheckFailedError,
    ContentNotFoundError,
    DraftCheckFailedError,
    NameTakenError,
)
from .server import ConnectServer, as_server
from .settings import ContentSettings

LogCallback = Callable[[str], None]
CHECK_PATH = "ping"
"""What a vetiver API answers when it is up."""


@dataclass(frozen=True)
class Deployment:
    """Where a deployed model API is.

    Attributes:
        guid: The content GUID (``app_id`` to deploy to it again).
        dashboard_url: The content's page on the Connect dashboard.
        api_url: The API's base URL; ``api_url + "predict"`` is the prediction endpoint.
        bundle_id: The bundle now serving.
        previous_bundle_id: The bundle that served before, if any (what :func:`rollback` restores).
    """

    guid: str
    dashboard_url: str
    api_url: str
    bundle_id: str
    previous_bundle_id: str | None = None

    def __str__(self) -> str:
        return (
            f"bundle {self.bundle_id} of content {self.guid} is serving\n"
            f"  dashboard: {self.dashboard_url}\n  API: {self.api_url}"
        )


def print_log(line: str) -> None:
    """The default log callback: task output lines on stderr (stdout stays for results)."""
    print(line, file=sys.stderr, flush=True)


def content_name(text: str) -> str:
    """A Connect content name (1-64 letters, digits, ``-`` or ``_``) made from ``text``."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", text.split("/")[-1]).strip("_-")
    return name[:64] or "vetiver_api"


def _last_lines(lines: list[str], count: int = 5) -> str:
    tail = [line.strip() for line in lines if line.strip()][-count:]
    return " | ".join(tail)


def find_or_create(
    client: ConnectClient, name: str, *, app_id: str | None, new: bool, user: Mapping[str, Any]
) -> dict[str, Any]:
    """The content to deploy to: ``app_id``'s; else this user's content called ``name`` (unless
    ``new``); else a new content item."""
    if app_id:
        return client.content(app_id)
    if not new:
        found = client.find_content(name)
        mine = [item for item in found if item.get("owner_guid") == user.get("guid")]
        if mine:
            return mine[0]
        if found:
            other = found[0]
            raise NameTakenError(
                f"the content name {name!r} belongs to someone else's content {other['guid']}; pass app_id="
                f"{other['guid']} (CLI: --app-id) if you collaborate on it, or new=True (--new) for your own"
            )
    return client.create_content(name)


def _check(client: ConnectClient, url: str) -> tuple[bool, str]:
    """GET ``url``; (answered 2xx, a one-line reason otherwise)."""
    response = client.get_content_url(url)
    if response.status_code < 400:
        return True, ""
    lines = [line.strip() for line in response.text.splitlines() if line.strip()]
    detail = lines[0] if lines else response.reason_phrase
    if len(lines) > 1:
        detail = f"{detail} ... {lines[-1]}"
    return False, f"{response.status_code}: {detail[:400]}"


def _run_task(client: ConnectClient, task_id: str, bundle_id: str, log: LogCallback, serving: str | None) -> None:
    lines: list[str] = []

    def record(line: str) -> None:
        lines.append(line)
        log(line)

    task = client.follow_task(task_id, record)
    if task.get("code") or task.get("error"):
        error = str(task.get("error") or f"exit status {task.get('code')}").strip()
        still = f"; bundle {serving} is still serving" if serving else ""
        tail = _last_lines([line for line in lines if line.strip() not in error])
        raise BuildFailedError(
            f"bundle {bundle_id} failed to build on Connect: {error}{still}" + (f"; last lines: {tail}" if tail else "")
        )


def release(
    client: ConnectClient,
    content: Mapping[str, Any],
    bundle_id: str,
    *,
    drafts: bool,
    log: LogCallback,
    check_path: str = CHECK_PATH,
) -> Deployment:
    """Deploy bundle ``bundle_id`` of ``content`` and make it the serving one, checked first where
    the server has drafts."""
    guid = content["guid"]
    serving = content.get("bundle_id")
    serving = str(serving) if serving else None
    content_url = content["content_url"].rstrip("/") + "/"
    dashboard = content["dashboard_url"]
    check_path = check_path.lstrip("/")
    if drafts:
        log(f"Deploying bundle {bundle_id} as a draft.")
        _run_task(client, client.deploy(guid, bundle_id, activate=False), bundle_id, log, serving)
        draft_url = f"{content_url}_bundle{bundle_id}/"
        log(f"Checking the draft at {draft_url}{check_path}")
        ok, reason = _check(client, draft_url + check_path)
        if not ok:
            still = f"bundle {serving} is still serving" if serving else "nothing was serving before"
            raise DraftCheckFailedError(
                f"bundle {bundle_id} failed its check at {draft_url}{check_path} ({reason}); it is left as a draft "
                f"({dashboard}/draft/{bundle_id}) and {still}",
                draft_url=draft_url,
                bundle_id=bundle_id,
                serving_bundle_id=serving,
            )
        log(f"The draft answers; activating bundle {bundle_id}.")
        _run_task(client, client.deploy(guid, bundle_id), bundle_id, log, serving)
    else:
        log(f"Deploying bundle {bundle_id} (this server has no drafts: it becomes active at once).")
        _run_task(client, client.deploy(guid, bundle_id), bundle_id, log, serving)
        ok, reason = _check(client, content_url + check_path)
        if not ok:
            back = f"; roll back with vetiver_connect.rollback(server, {guid!r})" if serving else ""
            raise ContentCheckFailedError(
                f"bundle {bundle_id} is active but {content_url}{check_path} does not answer ({reason}); "
                f"logs: {dashboard}/logs{back}"
            )
    return Deployment(guid, dashboard, content_url, bundle_id, serving)


def check_server(server: ConnectServer | Any) -> dict[str, Any]:
    """Fail fast, before a bundle is built, if the server is unreachable or refuses the key;
    returns the key's user."""
    with ConnectClient(as_server(server)) as client:
        client.server_version()
        return client.current_user()


def deploy_bundle(
    server: ConnectServer | Any,
    archive: bytes,
    *,
    name: str,
    title: str | None = None,
    app_id: str | None = None,
    new: bool = False,
    environment: Mapping[str, str | None] | None = None,
    settings: ContentSettings | None = None,
    log_callback: LogCallback | None = None,
    check_path: str = CHECK_PATH,
) -> Deployment:
    """Deploy a ``.tar.gz`` bundle (manifest included) to Posit Connect.

    Args:
        server: A :class:`~vetiver_connect.server.ConnectServer`, an rsconnect-python server
            object, a URL (key from ``CONNECT_API_KEY``) or None (``CONNECT_SERVER``).
        archive: The bundle.
        name: The content name, used to find this user's content unless ``app_id`` or ``new``.
        title: The content title shown on the dashboard.
        app_id: The GUID of the content to deploy to.
        new: Always create a new content item.
        environment: Environment variables for the app (None removes one). Values are sent to
            Connect only; logs name the variables, never their values.
        settings: Access type, processes and timeouts of the content.
        log_callback: Receives each progress line (the task log); lines go to stderr otherwise.
        check_path: What the bundle must answer (2xx) before it serves: ``/ping`` for vetiver.

    Returns:
        Where the API is: GUID, dashboard URL and API URL.

    Raises:
        ConnectError: one of its subclasses, each with a one-line message: the key refused, no
            permission, server unreachable, name taken, bundle rejected, build failed, draft
            failed its check (left as a draft; the previous bundle still serving).
    """
    log = log_callback or print_log
    with ConnectClient(as_server(server)) as client:
        drafts = client.supports_drafts(client.server_version())
        user = client.current_user()
        content = find_or_create(client, name, app_id=app_id, new=new, user=user)
        guid = content["guid"]
        log(f"Deploying to content {guid} ({content.get('name')}) as {user.get('username')}.")
        fields = dict(settings.fields() if settings else {})
        if title and content.get("title") != title:
            fields["title"] = title
        if fields:
            content = client.update_content(guid, **fields)
        if environment:
            client.set_environment(guid, dict(environment))
            log(f"Set environment variables {', '.join(sorted(environment))} (values not shown).")
        bundle = client.upload_bundle(guid, archive)
        log(f"Uploaded bundle {bundle['id']} ({len(archive)} bytes).")
        return release(client, content, str(bundle["id"]), drafts=drafts, log=log, check_path=check_path)


def rollback(
    server: ConnectServer | Any,
    app_id: str,
    bundle_id: str | None = None,
    *,
    log_callback: LogCallback | None = None,
    check_path: str = CHECK_PATH,
) -> Deployment:
    """Serve an earlier bundle of content ``app_id`` again: ``bundle_id``, or the one before the
    active bundle. Checked as a draft first where the server has drafts.

    Raises:
        ContentNotFoundError: no such content, or no earlier bundle to go back to.
    """
    log = log_callback or print_log
    with ConnectClient(as_server(server)) as client:
        drafts = client.supports_drafts(client.server_version())
        content = client.content(app_id)
        active = content.get("bundle_id")
        ids = sorted((str(b["id"]) for b in client.bundles(app_id)), key=_bundle_order)
        if bundle_id is None:
            earlier = [i for i in ids if active is None or _bundle_order(i) < _bundle_order(str(active))]
            if not earlier:
                raise ContentNotFoundError(f"content {app_id} has no bundle before bundle {active} to roll back to")
            bundle_id = earlier[-1]
        elif str(bundle_id) not in ids:
            raise ContentNotFoundError(f"content {app_id} has no bundle {bundle_id} (its bundles: {', '.join(ids)})")
        log(f"Rolling content {app_id} back from bundle {active} to bundle {bundle_id}.")
        return release(client, content, str(bundle_id), drafts=drafts, log=log, check_path=check_path)


def _bundle_order(bundle_id: str) -> tuple[int, str]:
    return (int(bundle_id), "") if bundle_id.isdigit() else (sys.maxsize, bundle_id)
