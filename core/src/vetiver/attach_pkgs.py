"""0.2.6 import path of ``load_pkgs`` (and ``get_board_pkgs``).

``load_pkgs`` pins the installed closure of what a model needs without pip-compile; it is provided
by the vetiver-docker plugin, which also builds wheels of distributions no index has.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .boards import get_board_pkgs
from .write_docker import docker_plugin

__all__ = ["get_board_pkgs", "load_pkgs"]


def load_pkgs(model: Any, packages: Iterable[str] | None = None, path: str | Path = "") -> Path:
    """Write ``<path>requirements.txt`` for serving ``model``; see :func:`vetiver_docker.compat.load_pkgs`."""
    return docker_plugin("compat").load_pkgs(model, packages, path)
