"""Errors raised by vetiver's monitoring functions."""

from __future__ import annotations

from ..errors import VetiverError


class MonitorError(VetiverError, ValueError):
    """Monitoring input that cannot be used: a missing column, an unknown period or method.

    A ``ValueError`` too, as 0.2.6's monitoring functions raised.
    """


class MissingDependencyError(VetiverError, ImportError):
    """An optional dependency of monitoring (plotly, scipy) is not installed."""


def require(module: str, purpose: str) -> object:
    """Import ``module`` for ``purpose``, or say which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        top = module.split(".")[0]
        raise MissingDependencyError(
            f"{purpose} needs {top}; install it with: pip install 'vetiver-core[monitor]'"
        ) from error
