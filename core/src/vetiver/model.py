"""VetiverModel: a trained model with its name, input prototype and metadata."""

from __future__ import annotations

import json
import tempfile
import warnings
from pathlib import Path
from typing import Any

from .errors import (
    InvalidArgumentError,
    NoModelAvailableError,
    PinError,
    UnexpectedArgumentError,
    UnknownPluginNameError,
)
from .handlers.base import BaseHandler, create_handler
from .meta import VetiverMeta


class VetiverModel:
    """A model plus what is needed to version, share, deploy and monitor it.

    Args:
        model: A trained model of a type an installed handler plugin supports, or a
            :class:`~vetiver.handlers.base.BaseHandler` instance wrapping one.
        model_name: The model's name (and pin name).
        prototype_data: Data whose shape and types requests must follow: a DataFrame, a 2-D
            array, a dict, a ``/prototype`` JSON schema, or a pydantic model class or instance.
        versioned: Whether pins of this model keep old versions (``None``: the board decides).
        description: A description; defaults to the handler's (``"A scikit-learn
            LinearRegression model"``).
        metadata: Free-form user metadata (a dict), or a dict with the keys of
            :class:`~vetiver.meta.VetiverMeta`.

    Attributes:
        model, model_name, prototype (a pydantic model class or None), description, metadata
        (:class:`~vetiver.meta.VetiverMeta`), versioned, handler, handler_predict.
    """

    def __init__(
        self,
        model: Any,
        model_name: str,
        prototype_data: Any = None,
        versioned: bool | None = None,
        description: str | None = None,
        metadata: dict | None = None,
        **kwargs: Any,
    ) -> None:
        if "ptype_data" in kwargs:
            warnings.warn("argument ptype_data is deprecated, use prototype_data", DeprecationWarning, stacklevel=2)
            prototype_data = kwargs.pop("ptype_data")
        if kwargs:
            raise UnexpectedArgumentError(f"VetiverModel() got unexpected arguments: {', '.join(sorted(kwargs))}")
        if model is None:
            raise NoModelAvailableError("VetiverModel needs a model; got None")
        if not isinstance(model_name, str) or not model_name:
            raise InvalidArgumentError(f"model_name must be a non-empty string, got {model_name!r}")

        self.handler: BaseHandler = create_handler(model, prototype_data)
        self.model = self.handler.model
        self.model_name = model_name
        self.prototype = self.handler.construct_prototype()
        self.versioned = versioned
        self.description = description or self.handler.describe()
        self.metadata: VetiverMeta = self.handler.create_meta(metadata)
        self.handler_predict = self.handler.handler_predict

    def __repr__(self) -> str:
        return f"VetiverModel(model_name={self.model_name!r}, description={self.description!r})"

    @property
    def schema(self) -> Any:
        """The lossless input schema (:class:`~vetiver.schema.types.TableSchema`), or None."""
        from .schema.infer import schema_of

        return schema_of(self.prototype)

    @classmethod
    def from_pin(cls, board: Any, name: str, version: str | None = None) -> VetiverModel:
        """Read a model pinned by :func:`vetiver.vetiver_pin_write` (or by vetiver 0.2.6).

        ``board`` is a pins board or a board URL. Without ``version`` the newest version is read.
        Pickled models need the board's ``allow_pickle_read=True`` (or
        ``PINS_ALLOW_PICKLE_READ=1``), and every data file must match the pin's recorded hash.
        """
        from . import plugins
        from .storage import pinstore
        from .storage.boards import as_board

        board = as_board(board)
        meta = pinstore.read_meta(board, name, version)
        stored = _vetiver_meta(meta)
        format_name = stored.get("model_format") or _legacy_format(name, meta)
        try:
            model_format = plugins.model_format(format_name)
        except UnknownPluginNameError as error:
            plugin = stored.get("handler_plugin")
            advice = f"; install its plugin: pip install {plugin}" if plugin else ""
            raise PinError(
                f"pin {name!r} stores a model in format {format_name!r}, which no installed plugin reads{advice}"
            ) from error

        contents = pinstore.read_verified(board, name, meta, needs_pickle=model_format.uses_pickle)
        file_name, data = next(iter(contents.items()))
        with tempfile.TemporaryDirectory(prefix="vetiver-model-") as tmp:
            path = Path(tmp) / Path(file_name).name
            path.write_bytes(data)
            model = model_format.load(path)

        local = getattr(meta, "local", None) or {}
        return cls(
            model,
            model_name=name,
            prototype_data=_stored_prototype(stored),
            versioned=True,
            description=meta.description,
            metadata={
                "user": stored.get("user") or {},
                "version": meta.version.version,
                "url": local.get("url"),
                "required_pkgs": stored.get("required_pkgs") or [],
                "python_version": stored.get("python_version"),
            },
        )


def _vetiver_meta(meta: Any) -> dict:
    """vetiver's part of a pin's user metadata, in 0.2.6 (``user.vetiver_meta``) or the legacy
    pre-0.2 layout (``user.ptype``), normalised to one dict."""
    user = dict(meta.user or {})
    stored = dict(user.get("vetiver_meta") or {})
    if stored:
        stored["user"] = user.get("user") or {}
        return stored
    legacy = {
        "prototype": user.get("ptype"),
        "required_pkgs": user.get("required_pkgs"),
        "python_version": user.get("python_version"),
    }
    legacy["user"] = {
        k: v for k, v in user.items() if k not in {"ptype", "required_pkgs", "python_version", "save_ptype"}
    }
    return legacy


def _legacy_format(name: str, meta: Any) -> str:
    if meta.type == "joblib":
        return "joblib"
    raise PinError(f"pin {name!r} is a {meta.type!r} pin with no vetiver model in it")


def _stored_prototype(stored: dict) -> Any:
    schema = stored.get("prototype_schema")
    if schema:
        return schema
    legacy = stored.get("prototype")
    if isinstance(legacy, str):
        legacy = json.loads(legacy)
    return legacy or None
