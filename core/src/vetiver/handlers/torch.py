"""0.2.6 import path ``vetiver.handlers.torch``: a lazy alias of the vetiver-torch plugin's handler."""

from __future__ import annotations

from typing import Any

from ..errors import PluginNotInstalledError


def __getattr__(name: str) -> Any:
    if name == "TorchHandler":
        try:
            from vetiver_torch.handler import TorchHandler
        except ImportError as error:
            raise PluginNotInstalledError(
                "TorchHandler moved to the vetiver-torch plugin; install it: pip install vetiver-torch"
            ) from error
        return TorchHandler
    raise AttributeError(f"module 'vetiver.handlers.torch' has no attribute {name!r}")
