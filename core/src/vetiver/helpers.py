"""0.2.6 import path of the request-data helpers; the implementation is :mod:`vetiver.serving.frames`."""

from __future__ import annotations

from .serving.frames import api_data_to_frame, response_to_frame

__all__ = ["api_data_to_frame", "response_to_frame"]
