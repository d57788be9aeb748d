"""0.2.6 import path of ``write_app``; the implementation is :mod:`vetiver.bundle.app`."""

from __future__ import annotations

from .bundle.app import vetiver_write_app, write_app

__all__ = ["vetiver_write_app", "write_app"]
