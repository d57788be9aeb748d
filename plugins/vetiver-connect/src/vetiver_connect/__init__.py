"""vetiver plugin: the ``connect`` deploy target (Posit Connect).

``vetiver.deploy_connect(server, board, name)`` (0.2.6's call), ``vetiver.deploy("connect", board,
name, server=...)`` and ``vetiver deploy connect BOARD NAME --server URL`` build a bundle serving
the pin and deploy it as a draft, check that it answers, then activate it. Registered through the
``vetiver`` entry-point group; importing this module imports nothing beyond vetiver's hook markers
(the rest loads on first use).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from vetiver.hookspecs import DeployTarget, hookimpl

__version__ = "0.3.0"

OPTIONS = (
    "server",
    "api_key",
    "title",
    "app_id",
    "new",
    "content_name",
    "environment",
    "extra_files",
    "python",
    "image",
    "allow_pickle",
    "packages",
    "access_type",
    "min_processes",
    "max_processes",
    "connection_timeout",
    "read_timeout",
    "init_timeout",
    "idle_timeout",
    "description",
    "log_callback",
    "path",
    "overwrite",
)

# public name -> module defining it (imported on first use)
_EXPORTS = {
    "ConnectServer": "vetiver_connect.server",
    "ContentSettings": "vetiver_connect.settings",
    "Deployment": "vetiver_connect.flow",
    "deploy_bundle": "vetiver_connect.flow",
    "rollback": "vetiver_connect.flow",
    "deploy_connect": "vetiver_connect.deploy",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'vetiver_connect' has no attribute {name!r}")


def _prepare(board: Any, name: str, path: Path, version: str | None = None, **options: Any) -> Path:
    from .deploy import prepare

    return prepare(board, name, path, version, **options)


def _deploy(board: Any, name: str, version: str | None = None, **options: Any) -> Any:
    from .deploy import deploy

    return deploy(board, name, version, **options)


@hookimpl
def deploy_targets() -> list[DeployTarget]:
    return [
        DeployTarget(
            "connect",
            _prepare,
            _deploy,
            description="Posit Connect: a draft deploy, checked, then activated",
            options=OPTIONS,
        )
    ]
