"""The ``PLUGINNAME-json`` model format: the model's parameters as JSON, read back without pickle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vetiver.hookspecs import ModelFormat


def _save(model: Any, path: Path) -> None:
    path.write_text(json.dumps(model.to_dict()))


def _load(path: Path) -> Any:
    from .model import LinearModel

    return LinearModel.from_dict(json.loads(path.read_text()))


FORMAT = ModelFormat(name="PLUGINNAME-json", file_suffix=".json", save=_save, load=_load, uses_pickle=False, pin_type="file")
