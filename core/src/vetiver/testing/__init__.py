"""Test support for plugin authors, shipped as a pytest plugin (entry point ``pytest11``):
the conformance suites of the four extension points (:class:`HandlerConformance`,
:class:`StorageBackendConformance`, :class:`ServingRuntimeConformance`,
:class:`DeployTargetConformance`), the ``vetiver_plugin_manager`` and ``register_vetiver_plugin``
fixtures, helpers to serve an app on a real uvicorn server or post to it in process, and the
``vetiver_board`` fixture.

pytest loads this package at start-up wherever vetiver-core is installed, so it imports nothing
but pytest and the standard library at module level. ``-p no:vetiver`` disables it.
"""

from __future__ import annotations

from .conformance import HandlerConformance
from .helpers import assert_predictions_equal, post_in_process, serve_app, vetiver_board
from .suites import (
    DeployTargetConformance,
    ServingRuntimeConformance,
    StorageBackendConformance,
    register_vetiver_plugin,
    vetiver_plugin_manager,
    wait_for_ping,
)

__all__ = [
    "DeployTargetConformance",
    "HandlerConformance",
    "ServingRuntimeConformance",
    "StorageBackendConformance",
    "assert_predictions_equal",
    "post_in_process",
    "register_vetiver_plugin",
    "serve_app",
    "vetiver_board",
    "vetiver_plugin_manager",
    "wait_for_ping",
]
