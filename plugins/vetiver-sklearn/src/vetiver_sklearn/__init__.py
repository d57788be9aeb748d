"""vetiver plugin for scikit-learn estimators.

Registered through the ``vetiver`` entry-point group. Importing this module does not import
scikit-learn: the handler looks at the model's class hierarchy first.
"""

from __future__ import annotations

from typing import Any

from vetiver.handlers.base import model_type_modules
from vetiver.hookspecs import ModelFormat, hookimpl

__version__ = "0.3.0"


@hookimpl
def handler_for_model(model: Any, prototype_data: Any) -> Any:
    # Any class deriving from an sklearn class (xgboost.XGBRegressor, lightgbm, user estimators)
    # has "sklearn" among its bases' modules; nothing else needs sklearn imported.
    if "sklearn" not in model_type_modules(model):
        return None
    from .handler import SKLearnHandler

    if not isinstance(model, SKLearnHandler.model_class()):
        return None
    return SKLearnHandler(model, prototype_data)


@hookimpl
def model_formats() -> list[ModelFormat]:
    from .formats import SKOPS

    return [SKOPS]
