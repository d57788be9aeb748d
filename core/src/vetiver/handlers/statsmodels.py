"""0.2.6 import path ``vetiver.handlers.statsmodels``: a lazy alias of the vetiver-statsmodels plugin's handler."""

from __future__ import annotations

from typing import Any

from ..errors import PluginNotInstalledError


def __getattr__(name: str) -> Any:
    if name == "StatsmodelsHandler":
        try:
            from vetiver_statsmodels.handler import StatsmodelsHandler
        except ImportError as error:
            raise PluginNotInstalledError(
                "StatsmodelsHandler moved to the vetiver-statsmodels plugin; install it: pip install vetiver-statsmodels"
            ) from error
        return StatsmodelsHandler
    raise AttributeError(f"module 'vetiver.handlers.statsmodels' has no attribute {name!r}")
