"""vetiver plugin for PLUGINNAME models.

Registered through the ``vetiver`` entry-point group (see pyproject.toml). This module stays cheap
to import: the framework is imported only inside the hooks, once a model is known to be one of
its objects.
"""

from __future__ import annotations

from typing import Any

from vetiver import hookimpl
from vetiver.handlers.base import BaseHandler, model_type_modules
from vetiver.hookspecs import ModelFormat

__version__ = "0.1.0"

# The top-level module of the models this plugin handles (your framework's, once you replace
# the stand-in model).
FRAMEWORK = "PLUGINMODULE"


@hookimpl
def handler_for_model(model: Any, prototype_data: Any) -> BaseHandler | None:
    if FRAMEWORK not in model_type_modules(model):
        return None  # not ours: answered without importing anything
    from .handler import Handler
    from .model import LinearModel

    return Handler(model, prototype_data) if isinstance(model, LinearModel) else None


@hookimpl
def model_formats() -> list[ModelFormat]:
    from .formats import FORMAT

    return [FORMAT]
