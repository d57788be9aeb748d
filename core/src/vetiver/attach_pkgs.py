"""0.2.6 import path of ``load_pkgs`` and ``get_board_pkgs``; the implementations are
:func:`vetiver.bundle.load_pkgs` and :func:`vetiver.storage.boards.get_board_pkgs`."""

from __future__ import annotations

from .bundle.lockfile import load_pkgs
from .storage.boards import get_board_pkgs

__all__ = ["get_board_pkgs", "load_pkgs"]
