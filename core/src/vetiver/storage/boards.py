"""Pins boards from URLs, through the storage-backend plugins."""

from __future__ import annotations

import re
from typing import Any

from .. import plugins
from ..hookspecs import StorageBackend

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def _scheme(url: str) -> str:
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def backend_for_url(url: str) -> StorageBackend:
    """The storage backend handling ``url``'s scheme (plain paths are local folders)."""
    scheme = _scheme(url)
    for backend, _ in plugins.registry("storage backend").values():
        if scheme in backend.schemes:
            return backend
    known = sorted(s for b, _ in plugins.registry("storage backend").values() for s in b.schemes if s)
    from ..errors import UnknownPluginNameError

    raise UnknownPluginNameError(
        f"no storage backend handles {scheme}:// URLs (known schemes: {', '.join(known)}); "
        f"if a plugin provides it, install it: pip install vetiver-{scheme}"
    )


def board(url: str, **options: Any) -> Any:
    """A pins board for ``url``: a folder path or ``file://``, ``temp://``, ``s3://bucket/path``,
    ``gs://``, ``az://``, ``connect://`` or any scheme a storage plugin adds.

    ``options`` go to the backend (``versioned``, ``allow_pickle_read``, credentials...).
    """
    return backend_for_url(url).create_board(url, **options)


def as_board(board_or_url: Any, **options: Any) -> Any:
    """Accept either a pins board or a board URL."""
    return board(board_or_url, **options) if isinstance(board_or_url, str) else board_or_url


def board_protocols(board_: Any) -> tuple[str, ...]:
    """The fsspec protocols of a board's filesystem, looking through pins' cache wrapper."""
    fs = board_.fs
    while getattr(fs, "protocol", None) == "pinscache" or type(fs).__name__ == "PinsCache":
        fs = fs.fs
    protocol = fs.protocol
    return (protocol,) if isinstance(protocol, str) else tuple(protocol)


def get_board_pkgs(board_: Any) -> list[str]:
    """Distributions a deployed app needs to read from ``board_`` (``["s3fs"]`` for S3)."""
    protocols = set(board_protocols(board_))
    for backend, _ in plugins.registry("storage backend").values():
        if protocols & set(backend.schemes):
            return list(backend.packages)
    return []
