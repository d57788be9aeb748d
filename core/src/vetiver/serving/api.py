"""VetiverAPI: a model served over HTTP, on starlette.

Endpoints, JSON shapes and names follow vetiver-python 0.2.6 (``/ping``, ``/metadata``,
``/prototype``, ``/pin-url``, ``POST /predict`` answering ``{"predict": [...]}``); what 0.2.6 got
wrong is fixed: a model without a prototype serves (no 500 on ``/prototype``, no 422 on every
POST), errors are structured JSON, the OpenAPI document includes endpoints added after the first
request, and the docs page needs no internet.

The prediction path is built for speed: each POST endpoint is a plain ASGI callable (no request
or response objects), bodies are parsed with orjson and validated per column against the
prototype with everything precomputed per model, and large bodies are decoded and predicted in a
worker thread so the event loop stays responsive (health checks, graceful shutdown).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from ..errors import InvalidArgumentError, PrototypeValidationError, UnexpectedArgumentError
from ..model import VetiverModel
from . import docs_page, encoding, openapi
from .bodies import BodyReader, UnsupportedMediaType
from .body_limits import DecodedTooLarge
from .client import predict, vetiver_endpoint
from .middleware import OpsMiddleware
from .receive import BodyTooLarge, read_body

if TYPE_CHECKING:
    from ..schema.types import TableSchema

__all__ = ["VetiverAPI", "predict", "vetiver_endpoint"]

logger = logging.getLogger("vetiver.serving.api")

DEFAULT_MAX_BODY_SIZE = 64 * 1024 * 1024
"""Bodies larger than this (bytes) get 413; 100,000 rows of 10 numbers are about 8 MB of Arrow."""

# Bodies larger than this are decoded and predicted in a worker thread: below it, the thread
# hand-off costs more than the work; above it, the work would stall the event loop.
THREAD_THRESHOLD = 256 * 1024

_JSON = b"application/json"
_ARROW = encoding.ARROW_STREAM.encode()


class VetiverAPI:
    """Serve a :class:`~vetiver.model.VetiverModel` over HTTP.

    Args:
        model: The model to serve.
        show_prototype: Serve the input prototype at ``GET /prototype``.
        check_prototype: Validate request bodies against the prototype (per column, vectorized).
            A model without a prototype is served without validation.
        extra_columns: ``"ignore"`` (the default, as 0.2.6) drops body columns the prototype
            does not have; ``"forbid"`` rejects them with 422.
        max_body_size: The largest accepted request body in bytes (larger gets 413).
        api_key: If set, every request except ``/ping`` must carry it in ``api_key_header``.
        api_key_header: The header carrying the API key (``Authorization`` accepts
            ``Key <key>`` and ``Bearer <key>`` too).
        access_log: Log one line per request to the ``vetiver.access`` logger.
        log_predictions: Log every prediction (inputs, outputs, model version, time, request
            id) to this folder as a date-partitioned Parquet dataset, or to a
            :class:`~vetiver.monitor.PredictionLogger`; responses then carry ``X-Request-ID``.

    Attributes:
        app: The ASGI application (a starlette app) to serve.
        model: The served :class:`~vetiver.model.VetiverModel`.
        show_prototype: Whether ``GET /prototype`` is served.
        check_prototype: Whether request bodies are validated.
    """

    def __init__(
        self,
        model: VetiverModel,
        show_prototype: bool = True,
        check_prototype: bool = True,
        *,
        extra_columns: str = "ignore",
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        api_key: str | None = None,
        api_key_header: str = "Authorization",
        access_log: bool = True,
        log_predictions: Any = None,
        **kwargs: Any,
    ) -> None:
        if "check_ptype" in kwargs:
            warnings.warn("argument check_ptype is deprecated, use check_prototype", DeprecationWarning, stacklevel=2)
            check_prototype = kwargs.pop("check_ptype")
        if kwargs:
            raise UnexpectedArgumentError(f"VetiverAPI() got unexpected arguments: {', '.join(sorted(kwargs))}")
        if extra_columns not in ("ignore", "forbid"):
            raise InvalidArgumentError(f"extra_columns must be 'ignore' or 'forbid', not {extra_columns!r}")
        self.model = model
        self.show_prototype = show_prototype
        self.check_prototype = check_prototype
        self.extra_columns = extra_columns
        self.max_body_size = max_body_size
        self.api_key_header = api_key_header if api_key else None
        self.schema = model.schema if model.prototype is not None else None
        self._reader = BodyReader(
            self.schema if check_prototype else None, extra=extra_columns, max_decoded_size=max_body_size
        )
        self._posts: dict[str, openapi.PostEndpoint] = {}
        self._openapi: bytes | None = None

        # 0.2.6 declared handler_startup but never called it; vetiver-R calls it when the API is built.
        model.handler.handler_startup()
        self.prediction_log = None
        if log_predictions is not None:
            from ..monitor import serving_hook

            self._logging = serving_hook
            self.prediction_log = serving_hook.open_prediction_log(log_predictions, model)

        self.app = Starlette(
            routes=self._fixed_routes(),
            middleware=[
                Middleware(OpsMiddleware, api_key=api_key, api_key_header=api_key_header, access_log=access_log)
            ],
            lifespan=self.prediction_log.lifespan if self.prediction_log is not None else None,
        )
        self.app.state.prediction_log = self.prediction_log  # for app wrappers (the multi-worker factory)
        self.vetiver_post(model.handler_predict, "predict", check_prototype=check_prototype)

    def __repr__(self) -> str:
        return f"VetiverAPI({self.model!r})"

    # --- routes ---------------------------------------------------------------------------------

    def _fixed_routes(self) -> list[BaseRoute]:
        meta = encoding.dumps(self.model.metadata.to_dict())
        routes: list[BaseRoute] = [
            Route("/", _redirect_to_docs, include_in_schema=False),
            Route("/__docs__", self._docs, include_in_schema=False),
            Mount(docs_page.STATIC_PREFIX, app=docs_page.static_files(), name="docs-static"),
            Route("/openapi.json", self._openapi_json, include_in_schema=False),
            Route("/ping", _json_bytes(b'{"ping":"pong"}')),
            Route("/metadata", _json_bytes(meta)),
        ]
        if self.show_prototype and self.schema is not None:
            routes.append(Route("/prototype", self._prototype_endpoint(self.schema)))
        if self.model.metadata.url:
            # 0.2.6 answered repr(url), a string wrapped in quotes; the plain URL is what clients need.
            routes.append(Route("/pin-url", _json_bytes(encoding.dumps(self.model.metadata.url))))
        return routes

    def _prototype_endpoint(self, schema: TableSchema) -> Callable[[Request], Any]:
        """0.2.6's exact body; ``?format=lossless`` gives the lossless schema (see
        :mod:`vetiver.schema.legacy_prototype`)."""
        from ..schema.legacy_prototype import legacy_prototype_json, prototype_title

        title = prototype_title(self.model.handler.prototype_data)
        legacy = encoding.dumps(legacy_prototype_json(self.model.prototype, title))
        lossless = encoding.dumps({**schema.to_json_schema(), "title": title})

        async def endpoint(request: Request) -> Response:
            body = lossless if request.query_params.get("format") == "lossless" else legacy
            return Response(body, media_type="application/json")

        return endpoint

    async def _docs(self, request: Request) -> Response:
        return HTMLResponse(docs_page.page(f"{self.model.model_name} model API"))

    async def _openapi_json(self, request: Request) -> Response:
        if self._openapi is None:
            self._openapi = encoding.dumps(self.openapi())
        return Response(self._openapi, media_type="application/json")

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3.1 document of this API, with every endpoint added so far."""
        from ..version import __version__

        return openapi.build(
            title=f"{self.model.model_name} model API",
            version=__version__,
            description=self.model.description,
            schema=self.schema,
            show_prototype=self.show_prototype,
            has_pin_url=bool(self.model.metadata.url),
            endpoints=list(self._posts.values()),
            api_key_header=self.api_key_header,
        )

    def vetiver_post(self, endpoint_fx: Callable[..., Any] | str, endpoint_name: str | None = None, **kw: Any) -> None:
        """Add a POST endpoint.

        Args:
            endpoint_fx: A callable ``fx(data, **kw)`` receiving the validated DataFrame (the
                parsed JSON when nothing is validated), or, for models whose handler offers them,
                a prediction type name such as ``"predict_proba"`` or ``"predict_log_proba"``.
            endpoint_name: The endpoint's name and path (``/<name>``); defaults to the
                callable's ``__name__`` or the prediction type.
            **kw: Passed to ``endpoint_fx`` on every call (the default ``/predict`` gets
                ``check_prototype``).

        A list result is answered as ``{endpoint_name: [...]}``. The endpoint's docstring
        becomes its description in the docs.
        """
        handler = self.model.handler
        if isinstance(endpoint_fx, str):
            prediction_type = endpoint_fx
            handler.check_prediction_type(prediction_type)  # says which types the model offers
            name = endpoint_name or prediction_type
            check = self.check_prototype

            def call(data: Any) -> Any:
                return handler.handler_predict(data, check_prototype=check, prediction_type=prediction_type)

            description = f"Return {prediction_type} of the model."
            list_result = True
        else:
            name = endpoint_name or endpoint_fx.__name__
            fx = endpoint_fx

            def call(data: Any) -> Any:
                return fx(data, **kw)

            list_result = endpoint_fx == self.model.handler_predict
            if list_result:  # the handler's docstring is written for plugin authors, not API users
                features = f" using {len(self.schema.columns)} features" if self.schema is not None else ""
                description = f"Return predictions from the model{features}."
            else:
                description = inspect.cleandoc(endpoint_fx.__doc__ or "") or f"Return {name} of the model."
        path = "/" + name.strip("/")
        array_ok = None
        if self.schema is not None and (isinstance(endpoint_fx, str) or list_result):
            names = self.schema.names
            array_ok = lambda: handler.accepts_array(names)  # noqa: E731 - a one-line predicate
        endpoint = _PostEndpoint(self, name, call, array_ok)
        routes = self.app.router.routes
        routes[:] = [r for r in routes if not (isinstance(r, Route) and r.path == path)]
        routes.append(Route(path, endpoint, methods=["POST"]))
        self._posts[path] = openapi.PostEndpoint(
            name=name,
            path=path,
            description=description,
            validates=self._reader.schema is not None,
            list_result=list_result,
        )
        self._openapi = None  # rebuilt on the next request, with this endpoint in it

    # --- running --------------------------------------------------------------------------------

    def run(
        self, port: int = 8000, host: str = "127.0.0.1", quiet_open: bool = False, runtime: str = "uvicorn", **kw: Any
    ) -> threading.Thread | None:
        """Serve the API until interrupted, with a serving runtime (default: uvicorn).

        Inside a running event loop (a Jupyter notebook), the server runs in a background thread
        instead of patching the loop, and that thread is returned. ``quiet_open=True`` skips
        printing the docs URL. ``kw`` goes to the runtime (e.g. ``timeout_graceful_shutdown``).
        """
        from .. import plugins

        serving = plugins.serving_runtime(runtime)
        if serving.extend_app is not None:
            serving.extend_app(self)
        if not quiet_open:
            print(f"VetiverAPI starting; docs at http://{host}:{port}/__docs__")
        if _loop_running():
            thread = threading.Thread(
                target=serving.serve,
                args=(self.app,),
                kwargs={"host": host, "port": port, "workers": 1, **kw},
                daemon=True,
                name="vetiver-api",
            )
            thread.start()
            return thread
        serving.serve(self.app, host=host, port=port, workers=1, **kw)
        return None


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def _redirect_to_docs(request: Request) -> Response:
    # Relative, so the redirect also works behind a proxy that adds a path prefix.
    return RedirectResponse("__docs__", status_code=307)


def _json_bytes(body: bytes) -> Callable[[Request], Any]:
    """A GET endpoint answering fixed JSON bytes (computed once, at startup)."""

    async def endpoint(request: Request) -> Response:
        return Response(body, media_type="application/json")

    return endpoint


class _PostEndpoint:
    """A prediction endpoint as a bare ASGI app: read, decode and validate, predict, encode."""

    def __init__(
        self, api: VetiverAPI, name: str, call: Callable[[Any], Any], array_ok: Callable[[], bool] | None = None
    ) -> None:
        self.api = api
        self.name = name
        self.call = call
        # For endpoints answered by the model's handler: may it receive a validated 2-D array?
        self.array_ok = array_ok

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        content_type = accept = content_length = sent_id = None
        for key, value in scope["headers"]:
            if key == b"content-type":
                content_type = value.decode("latin-1")
            elif key == b"accept":
                accept = value.decode("latin-1")
            elif key == b"content-length":
                content_length = value
            elif key == b"x-request-id":
                sent_id = value
        # Set exactly when predictions are logged: the response then carries it back.
        request_id: str | None = None
        log = self.api.prediction_log
        if log is not None:
            request_id = self.api._logging.request_id(sent_id)
        try:
            body = await read_body(receive, content_length, self.api.max_body_size)
            if body is None:
                return  # the client went away
            # Arrow bodies may be compressed: small on the wire, bounded but not cheap to decode.
            if len(body) > THREAD_THRESHOLD or (content_type is not None and "arrow" in content_type):
                payload, media = await anyio.to_thread.run_sync(self._respond, body, content_type, accept, request_id)
            else:
                payload, media = self._respond(body, content_type, accept, request_id)
            status = 200
        except PrototypeValidationError as error:
            status, payload, media = 422, encoding.dumps(error.to_dict()), _JSON
        except UnsupportedMediaType as error:
            status, payload, media = 415, encoding.dumps({"detail": str(error)}), _JSON
        except DecodedTooLarge as error:
            status, payload, media = 413, encoding.dumps({"detail": str(error)}), _JSON
        except BodyTooLarge:
            limit = self.api.max_body_size
            status, payload, media = 413, encoding.dumps({"detail": f"request body larger than {limit} bytes"}), _JSON
        except Exception as error:
            logger.exception("POST %s failed", scope["path"])
            message = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
            detail = f"{self.name} failed: {type(error).__name__}" + (f": {message}" if message else "")
            status, payload, media = 500, encoding.dumps({"detail": detail}), _JSON
        headers = [(b"content-type", media), (b"content-length", str(len(payload)).encode())]
        if request_id is not None:
            headers.append((b"x-request-id", request_id.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    def _respond(self, body: bytes, content_type: str | None, accept: str | None,
                 request_id: str | None = None) -> tuple[bytes, bytes]:  # fmt: skip
        data = self.api._reader.read(body, content_type, as_array=self.array_ok is not None and self.array_ok())
        result = self.call(data)
        log = self.api.prediction_log
        if log is not None and request_id is not None:  # __call__ gives an id whenever it logs
            log.log(request_id, self.name, data, result, self.api._logging.count_rows(data))
        if encoding.wants_arrow(accept):
            return encoding.arrow_bytes(result, self.name), _ARROW
        return encoding.dumps(encoding.shape_result(result, self.name)), _JSON
