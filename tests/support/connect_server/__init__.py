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

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .http import build_app
from .records import DRAFT_VERSION, LEGACY_VERSION, free_port
from .state import ConnectState

__all__ = ["DRAFT_VERSION", "LEGACY_VERSION", "ConnectState", "ConnectTestServer", "connect_server", "free_port"]


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
def connect_server(
    root: Path, wheelhouse: Path | None = None, version: str = DRAFT_VERSION
) -> Iterator[ConnectTestServer]:
    """Start a test server on a free 127.0.0.1 port, keeping state under ``root``; stop it (and
    every app it started) on exit."""
    import uvicorn

    state = ConnectState(root, wheelhouse, version)
    port = free_port()
    state.url = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(
        build_app(state),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
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
