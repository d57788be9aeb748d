"""uvicorn's server with a shutdown that finishes what it accepted and exits 0 after a clean drain.

On SIGTERM uvicorn stops listening and then closes every connection that has no request in
progress. A connection it had accepted, but whose request bytes it had not read yet (the event
loop was busy predicting), was closed with the request unread and the client saw a reset. Here,
after the listening sockets close, connections without a request in progress get
:data:`REQUEST_GRACE_S` to start one before uvicorn's own shutdown runs; every request started
by then is finished (within ``timeout_graceful_shutdown``). Connections still waiting in the
kernel's listen backlog when the listening socket closes were never accepted: the kernel resets
them, and clients (or the load balancer, which should stop routing first) retry elsewhere.

uvicorn re-raises a captured SIGTERM after shutting down, so a single-process server exited with
143 even after a clean drain; this server exits normally (status 0) when every request finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Generator
from typing import Any

import uvicorn

REQUEST_GRACE_S = 0.5
"""Seconds accepted connections without a request in progress get, after SIGTERM, to start one."""


def _idle(connection: Any) -> bool:
    cycle = getattr(connection, "cycle", None)
    return cycle is None or bool(getattr(cycle, "response_complete", False))


class GracefulServer(uvicorn.Server):
    """A :class:`uvicorn.Server` whose shutdown drains accepted connections and exits cleanly."""

    drained = False

    async def shutdown(self, sockets: list[Any] | None = None) -> None:
        for server in self.servers:
            server.close()  # stop accepting; uvicorn's shutdown closing them again is harmless
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REQUEST_GRACE_S
        while any(_idle(c) for c in self.server_state.connections) and loop.time() < deadline:
            await asyncio.sleep(0.02)  # lets the loop read requests already sent on those connections
        await super().shutdown(sockets)

    async def _wait_tasks_to_complete(self) -> None:  # uvicorn 0.54's hook between drain and lifespan
        await super()._wait_tasks_to_complete()
        self.drained = not self.force_exit

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        with super().capture_signals():
            yield
            if self.drained:  # a clean drain is a normal exit, not death by SIGTERM
                self._captured_signals = [s for s in self._captured_signals if s != signal.SIGTERM]


def run(app: Any, **options: Any) -> None:
    """``uvicorn.run`` for one process, with :class:`GracefulServer`.

    Raises:
        SystemExit: the server did not start (the port is taken, for example), as uvicorn.run.
    """
    config = uvicorn.Config(app, **options)
    config.load_app()
    server = GracefulServer(config)
    server.run()
    if not server.started:
        raise SystemExit(3)  # uvicorn's STARTUP_FAILURE
