"""What serving one pin version needs: its model format, plugins, requirements and board.

Read from the pin's metadata only: preparing an image never unpickles the model.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from vetiver import plugins
from vetiver.errors import PickleConsentError, PinError
from vetiver.plugins import CORE_DISTRIBUTION
from vetiver.storage import pinstore
from vetiver.storage.boards import board_protocols

# Boards whose storage only this machine (or this process) sees: their pin goes into the image.
LOCAL_PROTOCOLS = frozenset({"file", "local", "memory"})


@dataclass(frozen=True)
class ServedPin:
    """A pin version and everything an image serving it needs.

    Attributes:
        name: The pin name.
        version: The version prepared (the newest when none was asked for).
        serve_version: The version the image serves: None for an unversioned remote pin, which
            is read at whatever version it has when the container starts.
        bundled: The pin version is copied into the image (the board is not reachable from it).
        uses_pickle: The model format unpickles; the deployer consented to it.
        roots: Requirements the app needs: vetiver-core, the plugins providing the handler, the
            model format, the storage backend and the runtime, and the model's framework.
    """

    name: str
    version: str
    serve_version: str | None
    bundled: bool
    uses_pickle: bool
    roots: tuple[str, ...]


def _stored_meta(meta: Any) -> dict[str, Any]:
    """vetiver's part of a pin's metadata (0.2.6 ``user.vetiver_meta``, or pre-0.2 top level)."""
    user = dict(meta.user or {})
    return dict(user.get("vetiver_meta") or user)


def _provider(kind: str, name: str) -> tuple[Any, str]:
    """A named plugin object and the distribution providing it."""
    provided = plugins.get(kind, name)  # an unknown name raises, listing the known ones
    return provided, plugins.registry(kind)[name][1].distribution


def _model_format(name: str, meta: Any, stored: dict[str, Any]) -> tuple[Any, str]:
    format_name = stored.get("model_format") or ("joblib" if meta.type == "joblib" else None)
    if format_name is None:
        raise PinError(f"pin {name!r} is a {meta.type!r} pin with no vetiver model in it")
    if format_name not in plugins.registry("model format"):
        plugin = stored.get("handler_plugin")
        raise PinError(
            f"pin {name!r} stores its model in format {format_name!r}, which no installed plugin provides"
            + (f"; install {plugin}" if plugin else "")
        )
    return _provider("model format", format_name)


def _names(requirements: Iterable[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def handler_plugins(stored: dict[str, Any]) -> list[str]:
    """The plugin distribution that handles the pinned model.

    Pins written by this vetiver name it; for 0.2.6 pins, take the installed plugins that depend
    on one of the model's required packages (vetiver-sklearn depends on scikit-learn).
    """
    if stored.get("handler_plugin"):
        return [stored["handler_plugin"]]
    wanted = _names(stored.get("required_pkgs") or [])
    found = []
    for info in plugins.plugins():
        if info.builtin:
            continue
        try:
            requires = importlib.metadata.distribution(info.distribution).requires or []
        except importlib.metadata.PackageNotFoundError:
            continue
        if wanted & _names(requires):
            found.append(info.distribution)
    return found


def model_requirements(required_pkgs: Iterable[str]) -> list[str]:
    """A model's required packages without ``vetiver`` itself: 0.2.6's distribution has that
    name and would clash with vetiver-core's package in the image."""
    return [r for r in required_pkgs if canonicalize_name(Requirement(r).name) != "vetiver"]


def storage_backend(board: Any) -> tuple[Any, str] | None:
    """The storage backend reading ``board`` and the distribution providing it."""
    protocols = set(board_protocols(board))
    for backend, info in plugins.registry("storage backend").values():
        if protocols & set(backend.schemes):
            return backend, info.distribution
    return None


def is_local_board(board: Any) -> bool:
    """True when a container could not reach ``board`` (a folder or in-memory board)."""
    return bool(LOCAL_PROTOCOLS & set(board_protocols(board)))


def remote_board_url(board: Any) -> str:
    """A URL ``vetiver.board()`` turns back into ``board`` (no credentials: those come from the
    environment where the image runs)."""
    storage = storage_backend(board)
    if storage is None:
        raise PinError("no installed storage backend reads this board; pass board_url=")
    backend = storage[0]
    if backend.name == "connect":
        server = board.fs.api.server_url
        scheme = "connect+http" if server.startswith("http://") else "connect"
        return f"{scheme}://{server.split('://', 1)[1].rstrip('/')}"
    return f"{backend.schemes[0]}://{board.board}"


def plan(
    board: Any,
    name: str,
    version: str | None = None,
    *,
    bundle: bool | None = None,
    allow_pickle: bool | None = None,
    runtime: str = "uvicorn",
    packages: Iterable[str] = (),
) -> ServedPin:
    """Work out what serving pin ``name`` needs (see :class:`ServedPin`).

    Raises:
        PickleConsentError: the model is pickled and neither ``allow_pickle`` nor the board
            consents: better said now than by a container that fails at start.
        PinError: the pin holds no vetiver model, or its format's plugin is not installed.
    """
    resolved = version or pinstore.latest_version(board, name)
    meta = pinstore.read_meta(board, name, resolved)
    stored = _stored_meta(meta)
    model_format, format_dist = _model_format(name, meta, stored)
    consent = pinstore.allows_pickle(board) if allow_pickle is None else bool(allow_pickle)
    if model_format.uses_pickle and not consent:
        raise PickleConsentError(
            f"pin {name!r} stores a pickled model, so the image must unpickle it; consent with "
            "allow_pickle=True (CLI: --allow-pickle), a board made with allow_pickle_read=True, "
            "or PINS_ALLOW_PICKLE_READ=1"
        )
    bundled = is_local_board(board) if bundle is None else bool(bundle)
    serving, runtime_dist = _provider("serving runtime", runtime)

    roots = [CORE_DISTRIBUTION, *handler_plugins(stored), format_dist, runtime_dist, *serving.packages]
    roots += model_requirements(stored.get("required_pkgs") or [])
    storage = None if bundled else storage_backend(board)
    if storage is not None:
        roots += [storage[1], *storage[0].packages]
    roots += packages
    unique = tuple(dict.fromkeys(r for r in roots if r))
    # A versioned (or bundled) pin is served at the version prepared; an unversioned remote pin
    # at whatever version it has when the container starts.
    serve_version = resolved if (version or bundled or board.versioned) else None
    return ServedPin(name, resolved, serve_version, bundled, model_format.uses_pickle, unique)


def copy_pin(board: Any, name: str, version: str, destination: Path) -> Path:
    """Copy one pin version (``data.txt`` and data files) into ``destination/<name>/<version>``,
    a folder board holding just that version. Returns ``destination``."""
    source = board.construct_path([board.path_to_pin(name), version]).rstrip("/")
    target = destination / name / version
    target.mkdir(parents=True)
    for remote in board.fs.find(source):
        local = target / remote[len(source) + 1 :]
        local.parent.mkdir(parents=True, exist_ok=True)
        board.fs.get(remote, str(local))
    if not (target / pinstore.META_FILE).exists():
        raise PinError(f"pin {name!r} version {version} has no {pinstore.META_FILE} on the board")
    return destination
