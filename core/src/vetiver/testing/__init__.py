"""Test support for plugin authors, shipped as a pytest plugin (entry point ``pytest11``):
the handler conformance suite (:class:`HandlerConformance`), helpers to serve an app on a real
uvicorn server or post to it in process, and the ``vetiver_board`` fixture.

pytest loads this package at start-up wherever vetiver-core is installed, so it imports nothing
but pytest and the standard library at module level. ``-p no:vetiver`` disables it.
"""

from __future__ import annotations

from .conformance import (
    HandlerConformance,
    assert_predictions_equal,
    post_in_process,
    serve_app,
    vetiver_board,
)

__all__ = ["HandlerConformance", "assert_predictions_equal", "post_in_process", "serve_app", "vetiver_board"]
