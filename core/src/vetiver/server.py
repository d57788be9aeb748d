"""0.2.6 import path of the serving API; the implementation is :mod:`vetiver.serving`."""

from __future__ import annotations

from .serving.api import VetiverAPI
from .serving.client import predict, vetiver_endpoint

__all__ = ["VetiverAPI", "predict", "vetiver_endpoint"]
