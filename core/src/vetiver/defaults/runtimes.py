"""The built-in ``uvicorn`` serving runtime."""

from __future__ import annotations

import copy
import gc
from typing import Any

from ..errors import InvalidArgumentError
from ..hookspecs import ServingRuntime, hookimpl

GRACEFUL_SHUTDOWN_S = 30
"""Seconds in-flight requests get to finish after SIGTERM (SageMaker and Kubernetes send SIGKILL 30 s
after SIGTERM by default)."""


def _log_config() -> dict[str, Any]:
    """uvicorn's logging setup plus vetiver's loggers, so access lines and model errors reach
    stderr in uvicorn's format in every worker process."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["vetiver"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def freeze_startup_objects() -> None:
    """Exclude everything alive now (modules, the model, the app) from garbage collection.

    A served process holds ~150,000 long-lived objects (pandas, pyarrow, scikit-learn, the model);
    every full collection would walk them all, a 50-150 ms pause that shows up as p99 latency.
    Requests only create short-lived objects, which are still collected as usual.
    """
    gc.collect()
    gc.freeze()


def serve_uvicorn(app: Any, *, host: str = "127.0.0.1", port: int = 8080, workers: int = 1, **options: Any) -> None:
    """Serve with uvicorn until SIGINT/SIGTERM, then let in-flight requests finish.

    ``app`` is an ASGI app, or an import string ``"module:factory"`` of a zero-argument factory;
    with ``workers > 1`` it must be the string, so each worker process builds the app (and loads
    the model) once. ``options`` go to ``uvicorn.run``. vetiver's own middleware writes access
    lines, so uvicorn's are off unless ``access_log=True`` is passed.
    """
    import uvicorn

    if workers > 1 and not isinstance(app, str):
        raise InvalidArgumentError("workers > 1 needs an import string 'module:factory' so each worker loads the model")
    options.setdefault("timeout_graceful_shutdown", GRACEFUL_SHUTDOWN_S)
    options.setdefault("access_log", False)
    options.setdefault("log_config", _log_config())
    freeze_startup_objects()
    uvicorn.run(app, host=host, port=port, workers=workers, factory=isinstance(app, str), **options)


@hookimpl
def serving_runtimes() -> list[ServingRuntime]:
    return [
        ServingRuntime(
            "uvicorn",
            serve_uvicorn,
            packages=("uvicorn",),
            description="uvicorn ASGI server (several worker processes with --workers)",
        )
    ]
