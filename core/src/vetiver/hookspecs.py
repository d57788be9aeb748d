"""The plugin contract of vetiver: every hook a plugin may implement, and the objects hooks return.

vetiver has four extension points. Plugins are modules registered through the ``vetiver``
entry-point group; vetiver's own defaults are plugins too and use these same hooks.

=====================  ================================  =========================================
extension point        hook(s)                           returns
=====================  ================================  =========================================
model handlers         :func:`handler_for_model`         a :class:`~vetiver.handlers.base.BaseHandler`
                       :func:`model_formats`             :class:`ModelFormat` objects
storage backends       :func:`storage_backends`          :class:`StorageBackend` objects
serving runtimes       :func:`serving_runtimes`          :class:`ServingRuntime` objects
deploy targets         :func:`deploy_targets`            :class:`DeployTarget` objects
=====================  ================================  =========================================

Named objects (formats, backends, runtimes, targets) must have names unique across all installed
plugins; vetiver refuses to guess between two plugins claiming one name. A plugin module may
implement any subset of the hooks, and a hook implementation may accept any subset of a hook's
arguments. Implementing a hook that is not specified here is an error (usually a typo).

A plugin answering a registry query must stay cheap to import: import the ML framework or cloud
SDK inside the functions that need it, never at module level, so ``import vetiver`` and
``vetiver plugins`` stay fast however many plugins are installed.

Each hook is documented, with a complete example plugin, in ``docs/plugin-hooks.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from .errors import InvalidArgumentError

if TYPE_CHECKING:
    from .handlers.base import BaseHandler

PROJECT_NAME = "vetiver"
"""The pluggy project name and the entry-point group plugins register under."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


def _check_name(kind: str, name: str) -> str:
    if not isinstance(name, str) or not name.strip() or name != name.strip().lower():
        raise InvalidArgumentError(f"{kind} name must be a non-empty lower-case string, got {name!r}")
    return name


@dataclass(frozen=True)
class ModelFormat:
    """A way to store a model object as one file inside a pin.

    Attributes:
        name: Unique name recorded in the pin's metadata (``"joblib"``, ``"xgboost-ubj"``).
        file_suffix: File name suffix, with the dot (``".joblib"``).
        save: ``save(model, path)`` writes ``model`` to the file ``path``.
        load: ``load(path)`` reads the model back from the file ``path``.
        uses_pickle: True when ``load`` can execute code from the file (pickle, joblib,
            ``torch.load`` of a pickled module); vetiver then asks for the board's pickle consent
            and verifies the file's hash before calling ``load``.
        pin_type: The pins ``type`` written to ``data.txt``; ``"joblib"`` keeps a pin readable by
            plain pins and vetiver 0.2.6, ``"file"`` is for other formats.
    """

    name: str
    file_suffix: str
    save: Callable[[Any, Path], None]
    load: Callable[[Path], Any]
    uses_pickle: bool = False
    pin_type: str = "file"

    def __post_init__(self) -> None:
        _check_name("model format", self.name)


@dataclass(frozen=True)
class StorageBackend:
    """A kind of pins board, selected by the scheme of a board URL.

    Attributes:
        name: Unique name (``"s3"``).
        schemes: URL schemes handled (``("s3",)``); the local folder backend also takes plain paths.
        create_board: ``create_board(url, **options) -> pins board``. ``url`` is the full URL
            the user gave; ``options`` are backend-specific (``versioned``, ``allow_pickle_read``,
            credentials, ``endpoint_url``...).
        packages: Distributions a deployed app needs to reach this storage (``("s3fs",)``);
            deploy targets add them to generated requirements.
        description: One line shown by ``vetiver plugins``.
    """

    name: str
    schemes: tuple[str, ...]
    create_board: Callable[..., Any]
    packages: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("storage backend", self.name)


@dataclass(frozen=True)
class ServingRuntime:
    """A server that runs a vetiver API.

    Attributes:
        name: Unique name (``"uvicorn"``).
        serve: ``serve(app, *, host, port, workers, **options)`` blocks while serving. ``app`` is
            an ASGI application, or, when ``workers > 1``, an import string ``"module:factory"``
            of a zero-argument factory returning the application, so each worker process loads
            the model once on its own.
        extend_app: Optional ``extend_app(api)`` called with the
            :class:`~vetiver.serving.api.VetiverAPI` before serving, to add routes the runtime's
            platform expects (a SageMaker runtime adds ``/invocations``).
        packages: Distributions the runtime needs in a deployed image.
        description: One line shown by ``vetiver plugins``.
    """

    name: str
    serve: Callable[..., None]
    extend_app: Callable[[Any], None] | None = None
    packages: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("serving runtime", self.name)


@dataclass(frozen=True)
class DeployTarget:
    """A place a pinned model can be deployed to.

    Attributes:
        name: Unique name (``"docker"``).
        prepare: ``prepare(board, name, path, version=None, **options) -> Path`` writes a
            deployable bundle (app file, requirements, build files) into the folder ``path`` and
            returns it. It must not contact the target platform.
        deploy: ``deploy(board, name, version=None, **options) -> Any`` prepares and deploys,
            returning a target-specific handle (an image tag, a content URL, an endpoint).
        description: One line shown by ``vetiver plugins``.
        options: Names of the options ``prepare``/``deploy`` accept, for help output.
    """

    name: str
    prepare: Callable[..., Path]
    deploy: Callable[..., Any]
    description: str = ""
    options: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        _check_name("deploy target", self.name)


# --- model handlers -----------------------------------------------------------------------------


@hookspec(firstresult=True)
def handler_for_model(model: Any, prototype_data: Any) -> BaseHandler | None:  # type: ignore[empty-body]
    """Return a handler wrapping ``model``, or None if this plugin does not handle its type.

    The first non-None answer wins. Answer "not mine" without importing your framework: look at
    ``type(model).__module__`` (or the modules of ``type(model).__mro__``) first, and import the
    framework only once the model is known to come from it.
    """


@hookspec
def model_formats() -> Iterable[ModelFormat]:  # type: ignore[empty-body]
    """Return the model storage formats this plugin provides."""


# --- storage backends ---------------------------------------------------------------------------


@hookspec
def storage_backends() -> Iterable[StorageBackend]:  # type: ignore[empty-body]
    """Return the pins board backends this plugin provides."""


# --- serving runtimes ---------------------------------------------------------------------------


@hookspec
def serving_runtimes() -> Iterable[ServingRuntime]:  # type: ignore[empty-body]
    """Return the serving runtimes this plugin provides."""


# --- deploy targets -----------------------------------------------------------------------------


@hookspec
def deploy_targets() -> Iterable[DeployTarget]:  # type: ignore[empty-body]
    """Return the deploy targets this plugin provides."""
