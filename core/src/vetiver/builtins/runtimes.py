"""The built-in ``uvicorn`` serving runtime."""

from __future__ import annotations

from typing import Any

from ..hookspecs import ServingRuntime, hookimpl


def serve_uvicorn(app: Any, *, host: str = "127.0.0.1", port: int = 8080, workers: int = 1, **options: Any) -> None:
    """Serve with uvicorn. With ``workers > 1`` the app must be a ``"module:factory"`` string so
    each worker process builds (and loads the model) once."""
    import uvicorn

    if workers > 1 and not isinstance(app, str):
        raise ValueError("workers > 1 needs an import string 'module:factory' so each worker loads the model")
    options.setdefault("timeout_graceful_shutdown", 30)
    uvicorn.run(app, host=host, port=port, workers=workers, factory=isinstance(app, str), **options)


@hookimpl
def serving_runtimes() -> list[ServingRuntime]:
    return [ServingRuntime("uvicorn", serve_uvicorn, packages=("uvicorn",), description="uvicorn ASGI server")]
