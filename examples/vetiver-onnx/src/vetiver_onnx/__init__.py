"""vetiver plugin for ONNX models (``onnx.ModelProto``), run with onnxruntime.

Registered through the ``vetiver`` entry-point group. Importing this module imports neither onnx
nor onnxruntime: the handler hook looks at the model's class hierarchy first.
"""

from __future__ import annotations

from typing import Any

from vetiver import hookimpl
from vetiver.handlers.base import BaseHandler, model_type_modules
from vetiver.hookspecs import ModelFormat

__version__ = "0.1.0"


@hookimpl
def handler_for_model(model: Any, prototype_data: Any) -> BaseHandler | None:
    if "onnx" not in model_type_modules(model):
        return None
    import onnx

    if not isinstance(model, onnx.ModelProto):
        return None
    from .handler import OnnxHandler

    return OnnxHandler(model, prototype_data)


@hookimpl
def model_formats() -> list[ModelFormat]:
    from .formats import ONNX

    return [ONNX]
