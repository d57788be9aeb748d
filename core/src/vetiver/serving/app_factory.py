"""An importable app factory for serving a pinned model, for process managers and multi-worker runs.

``vetiver.serving.app_factory:create_app`` takes no arguments and reads its settings from environment
variables, so any ASGI server can run it, e.g.
``uvicorn --factory vetiver.serving.app_factory:create_app --workers 4`` or gunicorn with uvicorn workers;
``vetiver serve --workers N`` uses it too. Each worker process calls the factory once and so
loads the model once.

The model is loaded in a background thread at lifespan startup, which completes only once it is
loaded: a worker (for example one the supervisor restarted next to healthy ones) accepts
connections only when it can predict. If loading fails, ``/ping`` answers 503 with the reason.

Environment variables: ``VETIVER_BOARD`` (board URL or folder), ``VETIVER_PIN_NAME``,
``VETIVER_PIN_VERSION``, ``VETIVER_RUNTIME`` (whose ``extend_app`` is applied), ``VETIVER_API_KEY``,
``VETIVER_API_KEY_HEADER``, ``VETIVER_MAX_BODY_SIZE``, ``VETIVER_EXTRA_COLUMNS``
(``ignore``/``forbid``), ``VETIVER_ACCESS_LOG`` (``0`` turns it off), ``VETIVER_CHECK_PROTOTYPE``
(``0`` turns it off), ``VETIVER_PIN_KEY`` (the pin must be signed with it),
``VETIVER_LOG_PREDICTIONS`` (a prediction log folder) and pins'
``PINS_ALLOW_PICKLE_READ``.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidArgumentError

logger = logging.getLogger("vetiver.serving.api")

_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class ServeSettings:
    """What to serve and how; the CLI's options and the factory's environment variables."""

    board: str
    name: str
    version: str | None = None
    runtime: str = "uvicorn"
    allow_pickle: bool = False
    api_key: str | None = None
    api_key_header: str = "Authorization"
    max_body_size: int | None = None
    extra_columns: str = "ignore"
    access_log: bool = True
    check_prototype: bool = True
    log_predictions: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ServeSettings:
        """Settings from ``VETIVER_*`` environment variables (see the module docstring)."""
        env = os.environ if environ is None else environ
        board, name = env.get("VETIVER_BOARD"), env.get("VETIVER_PIN_NAME")
        if not board or not name:
            raise InvalidArgumentError("set VETIVER_BOARD and VETIVER_PIN_NAME to the board and pin to serve")
        size = env.get("VETIVER_MAX_BODY_SIZE")
        return cls(
            board=board,
            name=name,
            version=env.get("VETIVER_PIN_VERSION") or None,
            runtime=env.get("VETIVER_RUNTIME") or "uvicorn",
            allow_pickle=env.get("PINS_ALLOW_PICKLE_READ", "").lower() not in _FALSE | {""},
            api_key=env.get("VETIVER_API_KEY") or None,
            api_key_header=env.get("VETIVER_API_KEY_HEADER") or "Authorization",
            max_body_size=int(size) if size else None,
            extra_columns=env.get("VETIVER_EXTRA_COLUMNS") or "ignore",
            access_log=env.get("VETIVER_ACCESS_LOG", "1").lower() not in _FALSE,
            check_prototype=env.get("VETIVER_CHECK_PROTOTYPE", "1").lower() not in _FALSE,
            log_predictions=env.get("VETIVER_LOG_PREDICTIONS") or None,
        )

    def to_env(self) -> dict[str, str]:
        """The environment variables :meth:`from_env` reads back into these settings."""
        env = {
            "VETIVER_BOARD": self.board,
            "VETIVER_PIN_NAME": self.name,
            "VETIVER_RUNTIME": self.runtime,
            "VETIVER_API_KEY_HEADER": self.api_key_header,
            "VETIVER_EXTRA_COLUMNS": self.extra_columns,
            "VETIVER_ACCESS_LOG": "1" if self.access_log else "0",
            "VETIVER_CHECK_PROTOTYPE": "1" if self.check_prototype else "0",
        }
        if self.version:
            env["VETIVER_PIN_VERSION"] = self.version
        if self.allow_pickle:
            env["PINS_ALLOW_PICKLE_READ"] = "1"
        if self.api_key:
            env["VETIVER_API_KEY"] = self.api_key
        if self.max_body_size is not None:
            env["VETIVER_MAX_BODY_SIZE"] = str(self.max_body_size)
        if self.log_predictions:
            env["VETIVER_LOG_PREDICTIONS"] = self.log_predictions
        return env


def load_api(settings: ServeSettings) -> Any:
    """Read the pinned model and build its :class:`~vetiver.serving.api.VetiverAPI`, extended by the
    serving runtime (a runtime's ``extend_app`` adds the routes its platform expects)."""
    from .. import plugins
    from ..model import VetiverModel
    from ..storage.boards import board
    from .api import DEFAULT_MAX_BODY_SIZE, VetiverAPI

    runtime = plugins.serving_runtime(settings.runtime)
    options = {"allow_pickle_read": True} if settings.allow_pickle else {}
    model = VetiverModel.from_pin(board(settings.board, **options), settings.name, settings.version)
    api = VetiverAPI(
        model,
        check_prototype=settings.check_prototype,
        extra_columns=settings.extra_columns,
        max_body_size=settings.max_body_size or DEFAULT_MAX_BODY_SIZE,
        api_key=settings.api_key,
        api_key_header=settings.api_key_header,
        access_log=settings.access_log,
        log_predictions=settings.log_predictions,
    )
    if runtime.extend_app is not None:
        runtime.extend_app(api)
    return api


def create_app() -> DeferredApp:
    """The ASGI app for the model named by the environment (see the module docstring)."""
    settings = ServeSettings.from_env()
    return DeferredApp(lambda: load_api(settings).app, ready_before_serving=True)


class DeferredApp:
    """An ASGI app that loads the real app in a background thread and answers 503 until then.

    Loading starts at lifespan startup (or with the first request, for servers without lifespan
    events). With ``ready_before_serving`` (what :func:`create_app` uses) lifespan startup waits
    for the model, so a worker sharing a listening socket with others accepts connections only
    once it can predict; without it the socket accepts at once and answers 503 meanwhile. ``/ping`` answers ``{"ping": "loading"}`` with 503 while loading and
    ``{"ping": "failed", "detail": ...}`` with 503 if loading failed; every other path answers 503.
    """

    def __init__(self, load: Callable[[], Any], *, ready_before_serving: bool = False) -> None:
        self._load = load
        self._ready_before_serving = ready_before_serving
        self._done = threading.Event()
        self._app: Any = None
        self._error: str | None = None
        self._started = False
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        """Whether the model is loaded and requests are served."""
        return self._app is not None

    def start(self) -> None:
        """Start loading (once)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run_load, name="vetiver-load", daemon=True).start()

    def _run_load(self) -> None:
        try:
            self._app = self._load()
        except Exception as error:
            logger.exception("loading the model failed")
            self._error = f"{type(error).__name__}: {error}"
        else:
            from ..defaults.runtimes import freeze_startup_objects

            freeze_startup_objects()  # the model's objects are long-lived: keep them out of GC pauses
            logger.info("model loaded; serving")
        finally:
            self._done.set()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if self._app is not None:
            await self._app(scope, receive, send)
            return
        self.start()
        if scope["type"] != "http":
            return  # websockets are refused by closing
        from . import encoding

        if self._error is not None:
            body = encoding.dumps(
                {"ping": "failed", "detail": self._error}
                if scope["path"] == "/ping"
                else {"detail": f"the model could not be loaded: {self._error}"}
            )
        else:
            body = encoding.dumps(
                {"ping": "loading"} if scope["path"] == "/ping" else {"detail": "the model is loading"}
            )
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", b"1"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start()
                if self._ready_before_serving:
                    import anyio.to_thread

                    # uvicorn starts accepting only after startup completes: a (re)started
                    # worker takes no connection until it can predict.
                    await anyio.to_thread.run_sync(self._done.wait)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                # The loaded app's own lifespan never ran: close its prediction log here.
                log = getattr(getattr(self._app, "state", None), "prediction_log", None)
                if log is not None:
                    log.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
