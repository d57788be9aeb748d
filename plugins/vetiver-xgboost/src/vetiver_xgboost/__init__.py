"""vetiver plugin for ``xgboost.Booster`` models.

Registered through the ``vetiver`` entry-point group. Importing this module does not import
xgboost: the handler hook looks at the model's class hierarchy first.
"""

from __future__ import annotations

from typing import Any

from vetiver.handlers.base import BaseHandler, model_type_modules
from vetiver.hookspecs import ModelFormat, hookimpl

__version__ = "0.3.0"


@hookimpl
def handler_for_model(model: Any, prototype_data: Any) -> BaseHandler | None:
    # The sklearn wrappers (XGBRegressor...) also live in xgboost but are not Boosters; they fall
    # through to vetiver-sklearn.
    if "xgboost" not in model_type_modules(model):
        return None
    import xgboost

    if not isinstance(model, xgboost.Booster):
        return None
    from .handler import XGBoostHandler

    return XGBoostHandler(model, prototype_data)


@hookimpl
def model_formats() -> list[ModelFormat]:
    from .formats import UBJSON

    return [UBJSON]
