"""vetiver plugin for PyTorch ``nn.Module`` models.

Registered through the ``vetiver`` entry-point group. Importing this module does not import
torch: the handler hook looks at the model's class hierarchy first.
"""

from __future__ import annotations

from typing import Any

from vetiver.handlers.base import BaseHandler, model_type_modules
from vetiver.hookspecs import ModelFormat, hookimpl

__version__ = "0.3.0"


@hookimpl
def handler_for_model(model: Any, prototype_data: Any) -> BaseHandler | None:
    # A user's module subclasses torch.nn.Module, so "torch" is among its bases' modules.
    if "torch" not in model_type_modules(model):
        return None
    import torch

    if not isinstance(model, torch.nn.Module):
        return None
    from .handler import TorchHandler

    return TorchHandler(model, prototype_data)


@hookimpl
def model_formats() -> list[ModelFormat]:
    from .formats import TORCH_EXPORT

    return [TORCH_EXPORT]
