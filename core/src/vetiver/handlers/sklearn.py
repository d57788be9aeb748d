"""0.2.6 import path ``vetiver.handlers.sklearn``: a lazy alias of the vetiver-sklearn plugin's handler."""

from __future__ import annotations

from typing import Any

from ..errors import PluginNotInstalledError, install_hint


def __getattr__(name: str) -> Any:
    if name == "SKLearnHandler":
        try:
            from vetiver_sklearn.handler import SKLearnHandler
        except ImportError as error:
            raise PluginNotInstalledError(
                f"SKLearnHandler moved to the vetiver-sklearn plugin; install it: {install_hint('vetiver-sklearn')}"
            ) from error
        return SKLearnHandler
    raise AttributeError(f"module 'vetiver.handlers.sklearn' has no attribute {name!r}")
