"""Importing monitoring's optional dependencies, with an error that says how to install them."""

from __future__ import annotations

from types import ModuleType

from ..errors import MissingDependencyError, MonitorError

__all__ = ["MissingDependencyError", "MonitorError", "require"]


def require(module: str, purpose: str) -> ModuleType:
    """Import ``module`` for ``purpose``, or say which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        top = module.split(".")[0]
        raise MissingDependencyError(
            f"{purpose} needs {top}; install it with: pip install 'vetiver-core[monitor]'"
        ) from error
