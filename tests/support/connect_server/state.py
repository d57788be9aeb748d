"""The in-memory state of one test server, and its deploy tasks."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from .apps import AppProcess, Environments
from .records import DRAFT_VERSION, PYTHON_APP_MODES, START_TIMEOUT, Bundle, Task, User, _now, free_port


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
            item.update(
                bundle_id=bundle.id,
                app_mode=metadata["appmode"],
                content_category=metadata.get("content_category", ""),
                last_deployed_time=_now(),
            )
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
            "PATH": f"{python.parent}:/usr/bin:/bin",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            **self.environment.get(guid, {}),
            # Connect gives every content process these (the key acts as the content's owner).
            "CONNECT_SERVER": self.url,
            "CONNECT_API_KEY": owner.key,
        }
        entrypoint = bundle.manifest["metadata"]["entrypoint"]
        with log.open("ab") as out:
            process = subprocess.Popen(
                [str(python), "-m", "uvicorn", entrypoint, "--host", "127.0.0.1", "--port", str(port)],
                cwd=bundle.folder,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
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
