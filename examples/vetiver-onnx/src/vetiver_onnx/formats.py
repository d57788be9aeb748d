"""The ``onnx`` model format: the model's serialized protobuf, the ``.onnx`` file itself.

Reading it parses protobuf and executes nothing from the file, so it needs no pickle consent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vetiver.hookspecs import ModelFormat


def _save(model: Any, path: Path) -> None:
    path.write_bytes(model.SerializeToString())


def _load(path: Path) -> Any:
    import onnx

    return onnx.load_model_from_string(path.read_bytes())


ONNX = ModelFormat(name="onnx", file_suffix=".onnx", save=_save, load=_load, uses_pickle=False, pin_type="file")
