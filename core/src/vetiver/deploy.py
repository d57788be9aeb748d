"""Deploying pinned models through deploy-target plugins."""

from __future__ import annotations

import shutil
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

    board = _checked(board, name, version)
    deploy_target = plugins.deploy_target(target)
    folder = Path(path)
    created = _first_missing(folder)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return deploy_target.prepare(board, name, folder, version=version, **options)
    except BaseException:
        if created is not None:  # a failed prepare leaves no (empty or half-written) folder of ours
            shutil.rmtree(created, ignore_errors=True)
        raise


def _first_missing(folder: Path) -> Path | None:
    """The outermost folder ``folder.mkdir(parents=True)`` would create, or None if it exists."""
    missing = None
    for candidate in [folder, *folder.parents]:
        if candidate.exists():
            break
        missing = candidate
    return missing


def deploy(target: str, board: Any, name: str, version: str | None = None, **options: Any) -> Any:
    """Deploy pin ``name`` to ``target`` and return what the target reports (a tag, a URL...)."""
    from . import plugins

    return plugins.deploy_target(target).deploy(_checked(board, name, version), name, version=version, **options)


def _checked(board: Any, name: str, version: str | None) -> Any:
    """The board, once ``name`` and ``version`` are known to stay inside it."""
    from .storage.boards import as_board
    from .storage.names import validate_version
    from .storage.pinstore import check_name

    board = as_board(board)
    check_name(board, name)
    if version is not None:
        validate_version(version)
    return board
