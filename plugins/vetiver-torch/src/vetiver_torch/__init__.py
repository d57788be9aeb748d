"""vetiver plugin for PyTorch ``nn.Module`` models.

Registered through the ``vetiver`` entry-point group. Importing this module does not import
torch: :meth:`~vetiver.handlers.base.BaseHandler.for_model` looks at the model's class hierarchy
first.
"""

from __future__ import annotations

from typing import Any

from vetiver.handlers.base import BaseHandler
from vetiver.hookspecs import ModelFormat, hookimpl

__version__ = "0.3.0"


@hookimpl
def handler_for_model(model: Any, prototype_data: Any) -> BaseHandler | None:
    from .handler import TorchHandler  # imports no torch: the handler decides "is this mine?" first

    return TorchHandler.for_model(model, prototype_data)


@hookimpl
def model_formats() -> list[ModelFormat]:
    from .formats import TORCH_EXPORT

    return [TORCH_EXPORT]
