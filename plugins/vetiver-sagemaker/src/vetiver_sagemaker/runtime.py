"""The ``sagemaker`` serving runtime: vetiver's API with SageMaker's container contract.

``vetiver serve BOARD NAME --runtime sagemaker`` (and the image, which SageMaker starts as
``docker run IMAGE serve``) serves the usual routes plus:

* ``POST /invocations`` in every content type SageMaker clients send (:mod:`.invocations`);
* ``GET /execution-parameters`` for batch transform;
* ``GET /ping``, answered by core: 200 only once the model is loaded (``vetiver serve`` loads it
  before listening; the multi-worker factory answers 503 until then), in microseconds, since
  large bodies are predicted off the event loop.

It listens on ``SAGEMAKER_BIND_TO_PORT`` when SageMaker sets it (inference pipelines), else on the
port asked for (8080 in the image), and on SIGTERM stops accepting and lets in-flight requests
finish for up to :data:`DRAIN_SECONDS`, inside the 30 s SageMaker waits before SIGKILL.

Where the model comes from is ``vetiver serve``'s usual ``VETIVER_BOARD``: an S3 board URL in the
model's container environment (read at start, as vetiver R does), or ``/opt/ml/model``, where
SageMaker unpacks the ``ModelDataUrl`` tarball (a folder board holding one pin version).
"""

from __future__ import annotations

import os
from typing import Any

from vetiver.hookspecs import ServingRuntime

DRAIN_SECONDS = 25
"""Seconds in-flight requests get after SIGTERM: SageMaker kills the container 30 s after it, and
the process needs a moment to exit once requests are done."""

MODEL_DIR = "/opt/ml/model"
"""Where SageMaker unpacks a model's ``ModelDataUrl`` before starting the container."""


def bind_port(port: int) -> int:
    """``SAGEMAKER_BIND_TO_PORT`` when set (SageMaker assigns ports in inference pipelines)."""
    value = os.environ.get("SAGEMAKER_BIND_TO_PORT", "").strip()
    if not value:
        return port
    if not value.isdigit() or not 0 < int(value) < 65536:
        from vetiver.errors import VetiverError

        raise VetiverError(f"SAGEMAKER_BIND_TO_PORT must be a port number, not {value!r}")
    return int(value)


def serve_sagemaker(app: Any, *, host: str = "127.0.0.1", port: int = 8080, workers: int = 1, **options: Any) -> None:
    """Serve with uvicorn on SageMaker's port, draining in-flight requests on SIGTERM."""
    from vetiver.defaults.runtimes import serve_uvicorn

    options.setdefault("timeout_graceful_shutdown", DRAIN_SECONDS)
    serve_uvicorn(app, host=host, port=bind_port(port), workers=workers, **options)


def extend_app(api: Any) -> None:
    """Add ``/invocations`` and ``/execution-parameters`` to a :class:`~vetiver.server.VetiverAPI`."""
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from .invocations import InvocationsEndpoint, InvocationsReader, execution_parameters

    check = api.check_prototype
    schema = api.schema if check else None
    handler_predict = api.model.handler_predict

    def predict(data: Any) -> Any:
        return handler_predict(data, check_prototype=check)

    endpoint = InvocationsEndpoint(InvocationsReader(schema, extra=api.extra_columns), predict)
    parameters = execution_parameters()

    async def execution_parameters_route(request: Any) -> JSONResponse:
        return JSONResponse(parameters)

    routes = api.app.router.routes
    paths = {"/invocations", "/execution-parameters"}
    routes[:] = [route for route in routes if getattr(route, "path", None) not in paths]
    routes.append(Route("/invocations", endpoint, methods=["POST"]))
    routes.append(Route("/execution-parameters", execution_parameters_route, methods=["GET"]))


RUNTIME = ServingRuntime(
    "sagemaker",
    serve_sagemaker,
    extend_app=extend_app,
    packages=("uvicorn",),
    description="SageMaker container contract: /invocations (JSON, JSON Lines, CSV, npy), /ping, SAGEMAKER_BIND_TO_PORT",
)
