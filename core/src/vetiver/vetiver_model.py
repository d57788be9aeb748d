"""0.2.6 import path of :class:`VetiverModel`; the implementation is :mod:`vetiver.model`."""

from __future__ import annotations

from .errors import NoModelAvailableError
from .model import VetiverModel

__all__ = ["NoModelAvailableError", "VetiverModel"]
