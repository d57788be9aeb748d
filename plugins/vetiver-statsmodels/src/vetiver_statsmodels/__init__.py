"""vetiver plugin for statsmodels results objects.

Registered through the ``vetiver`` entry-point group. Importing this module does not import
statsmodels: the handler hook looks at the model's class hierarchy first.
"""

from __future__ import annotations

from typing import Any

from vetiver.handlers.base import BaseHandler, model_type_modules
from vetiver.hookspecs import ModelFormat, hookimpl

__version__ = "0.3.0"


@hookimpl
def handler_for_model(model: Any, prototype_data: Any) -> BaseHandler | None:
    if "statsmodels" not in model_type_modules(model):
        return None
    from .handler import StatsmodelsHandler, results_types

    if not isinstance(model, results_types()):
        return None  # a statsmodels model that was not fitted, or some other object
    return StatsmodelsHandler(model, prototype_data)


@hookimpl
def model_formats() -> list[ModelFormat]:
    from .formats import JOBLIB_WITHOUT_DATA

    return [JOBLIB_WITHOUT_DATA]
