"""0.2.6 import path ``vetiver.handlers.sklearn``: a lazy alias of the vetiver-sklearn plugin's handler."""

from __future__ import annotations

from typing import Any

from ..errors import PluginNotInstalledError


def __getattr__(name: str) -> Any:
    if name == "SKLearnHandler":
        try:
            from vetiver_sklearn.handler import SKLearnHandler
        except ImportError as error:
            raise PluginNotInstalledError(
                "SKLearnHandler moved to the vetiver-sklearn plugin; install it: pip install vetiver-sklearn"
            ) from error
        return SKLearnHandler
    raise AttributeError(f"module 'vetiver.handlers.sklearn' has no attribute {name!r}")
