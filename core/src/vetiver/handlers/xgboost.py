"""0.2.6 import path ``vetiver.handlers.xgboost``: a lazy alias of the vetiver-xgboost plugin's handler."""

from __future__ import annotations

from typing import Any

from ..errors import PluginNotInstalledError


def __getattr__(name: str) -> Any:
    if name == "XGBoostHandler":
        try:
            from vetiver_xgboost.handler import XGBoostHandler
        except ImportError as error:
            raise PluginNotInstalledError(
                "XGBoostHandler moved to the vetiver-xgboost plugin; install it: pip install vetiver-xgboost"
            ) from error
        return XGBoostHandler
    raise AttributeError(f"module 'vetiver.handlers.xgboost' has no attribute {name!r}")
