"""0.2.6 import path of model pins; the implementation is :mod:`vetiver.storage.model_pins`."""

from __future__ import annotations

from .storage.model_pins import vetiver_pin_read, vetiver_pin_write

__all__ = ["vetiver_pin_read", "vetiver_pin_write"]
