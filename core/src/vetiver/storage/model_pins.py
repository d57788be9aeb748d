"""Pinning models: ``vetiver_pin_write`` and the deprecated ``vetiver_pin_read`` (0.2.6 names)."""

from __future__ import annotations

import json
import tempfile
import warnings
from pathlib import Path
from typing import Any

from ..model import VetiverModel


def vetiver_pin_write(
    board: Any,
    model: VetiverModel,
    versioned: bool | None = None,
    *,
    key: str | bytes | None = None,
    reference_data: Any = None,
) -> Any:
    """Pin ``model`` to ``board`` under ``model.model_name`` and return the version's pins ``Meta``.

    The pin has the 0.2.6 layout (``type: joblib`` for pickled models, with
    ``user.vetiver_meta.{prototype, required_pkgs, python_version}``), so vetiver 0.2.6 and plain
    pins read it, plus a lossless ``prototype_schema`` and the ``model_format`` that stored it.

    Args:
        board: A pins board or a board URL.
        model: The model to pin.
        versioned: Keep older versions. ``None`` uses ``model.versioned`` when set, else keeps
            versions (0.2.6's default).
        key: Sign the pin with this key (HMAC-SHA256, see :mod:`vetiver.storage.signing`); by
            default the ``VETIVER_PIN_KEY`` environment variable, and no signature when unset.
        reference_data: Training or validation rows (a DataFrame). Their profile, and that of
            the model's predictions on them, is stored with this version for drift monitoring
            (:func:`vetiver.monitor.compute_drift`); the rows themselves are not stored.

    Writing content identical to the newest version is a no-op, and on an unversioned pin the
    previous version is only removed once the new one is complete.
    """
    from .boards import board as board_for_url

    if isinstance(board, str):  # writing may create the board's folder: no existence check
        board = board_for_url(board)
    meta = _write_model(board, model, versioned, key)
    if reference_data is not None:
        from ..monitor.reference_pin import pin_reference_profile

        pin_reference_profile(board, model.model_name, reference_data, version=meta.version.version, model=model)
    return meta


def _write_model(board: Any, model: VetiverModel, versioned: bool | None, key: str | bytes | None) -> Any:
    from .. import plugins
    from . import pinstore, signing

    signing_key = signing.resolve_key(key)
    if versioned is None:
        versioned = model.versioned if model.versioned is not None else True
    handler = model.handler
    model_format = plugins.model_format(handler.model_format)
    name = pinstore.check_name(board, model.model_name)  # before anything is saved or touched
    user = {"user": model.metadata.user, "vetiver_meta": _vetiver_meta(model, model_format.name)}
    title = f"{name}: a pinned {type(model.model).__name__} object"

    if pinstore.is_connect(board) and model_format.pin_type == "joblib" and signing_key is None:
        # Connect publishes each version as one bundle, atomically; pins knows that protocol.
        return board.pin_write(
            model.model,
            name=name,
            type="joblib",
            title=title,
            description=model.description,
            metadata=user,
            versioned=versioned,
            force_identical_write=False,
        )

    with tempfile.TemporaryDirectory(prefix="vetiver-save-") as tmp:
        path = Path(tmp) / f"{name.split('/')[-1]}{model_format.file_suffix}"
        model_format.save(model.model, path)
        if signing_key is not None:
            user[signing.SIGNATURE_KEY] = signing.sign(
                signing_key, name=name, pin_type=model_format.pin_type, title=title,
                description=model.description, contents={path.name: path.read_bytes()}, user=user,
            )  # fmt: skip
        if pinstore.is_connect(board):
            return board.pin_upload([str(path)], name=name, title=title, description=model.description, metadata=user)
        return pinstore.write_version(
            board,
            name,
            [path],
            pin_type=model_format.pin_type,
            title=title,
            description=model.description,
            user=user,
            versioned=versioned,
        )


def _vetiver_meta(model: VetiverModel, format_name: str) -> dict[str, Any]:
    from ..plugins import handler_distribution
    from ..schema.legacy_prototype import prototype_title

    schema = model.schema
    plugin = handler_distribution(model.handler)
    return {
        # 0.2.6 reads these three.
        "prototype": json.dumps(schema.to_legacy()) if schema is not None else None,
        "required_pkgs": list(model.metadata.required_pkgs),
        "python_version": list(model.metadata.python_version or []),
        # Lossless additions, ignored by 0.2.6.
        "pinned_pkgs": list(model.metadata.pinned_pkgs),
        "prototype_schema": {**schema.to_json_schema(), "title": prototype_title(model.handler.prototype_data)}
        if schema is not None
        else None,
        "model_format": format_name,
        "handler": model.handler.handler_name,
        "handler_plugin": plugin,
    }


def vetiver_pin_read(board: Any, name: str, version: str | None = None) -> VetiverModel:
    """Deprecated (0.2.6): use :meth:`VetiverModel.from_pin`."""
    warnings.warn("vetiver_pin_read is deprecated, use VetiverModel.from_pin", DeprecationWarning, stacklevel=2)
    return VetiverModel.from_pin(board, name, version)
