"""Deploying pinned models through deploy-target plugins."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def prepare(target: str, board: Any, name: str, path: str | Path, version: str | None = None, **options: Any) -> Path:
    """Write a deployable bundle for pin ``name`` into the folder ``path``, for ``target``.

    Args:
        target: A deploy target name (``"docker"``, ``"connect"``, ``"sagemaker"``...).
        board: A pins board or a board URL.
        name: The pin name.
        path: The folder to write into (created if missing).
        version: The pin version; the newest when None.
        **options: Target-specific options.

    Returns:
        The folder written.
    """
    from . import plugins
    from .storage.boards import as_board

    deploy_target = plugins.deploy_target(target)
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    return deploy_target.prepare(as_board(board), name, folder, version=version, **options)


def deploy(target: str, board: Any, name: str, version: str | None = None, **options: Any) -> Any:
    """Deploy pin ``name`` to ``target`` and return what the target reports (a tag, a URL...)."""
    from . import plugins
    from .storage.boards import as_board

    return plugins.deploy_target(target).deploy(as_board(board), name, version=version, **options)
