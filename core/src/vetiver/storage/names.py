"""Pin names, versions and data-file names: checked in one place before any storage is touched.

pins 0.9.2 rejects only ``/`` in folder-board pin names, so ``.``, ``''`` and ``..`` reach the
filesystem: written unversioned, ``.`` and ``''`` delete every other pin on the board and ``..``
writes into (and can delete) the board's parent. Every entry point that takes a pin name or a
version from a user (the library, the CLI, ``vetiver serve``, deploy targets) calls these
functions first, and a pin's ``data.txt`` is checked the same way before its files are opened,
so nothing outside a pin's version folder is ever read, written or deleted.
"""

from __future__ import annotations

import re

from ..errors import InvalidPinNameError

MAX_NAME_LENGTH = 255
"""The longest pin name, version or file name (bytes, UTF-8): a file name on common filesystems."""

# Characters that would change which folder a name points to, or that filesystems and fsspec
# treat specially: separators, a drive or protocol colon, NUL and other control characters.
_FORBIDDEN = re.compile(r"[/\\:\x00-\x1f\x7f]")


def _check_component(kind: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidPinNameError(f"{kind} must be a string, not {type(value).__name__}")
    if not value or not value.strip():
        raise InvalidPinNameError(f"{kind} must not be empty")
    if value in {".", ".."}:
        raise InvalidPinNameError(f"{kind} {value!r} names the folder itself or its parent, not a pin; choose another")
    match = _FORBIDDEN.search(value)
    if match:
        raise InvalidPinNameError(
            f"{kind} {value!r} contains {match.group()!r}; path separators, ':' and control characters are not allowed"
        )
    if value.startswith("."):
        # Hidden names are vetiver's staging folders; a pin or version must never look like one.
        raise InvalidPinNameError(f"{kind} {value!r} starts with '.'; names may not be hidden files")
    if value != value.strip():
        raise InvalidPinNameError(f"{kind} {value!r} has leading or trailing whitespace")
    if len(value.encode("utf-8")) > MAX_NAME_LENGTH:
        raise InvalidPinNameError(f"{kind} is longer than {MAX_NAME_LENGTH} bytes")
    return value


def validate_pin_name(name: object, *, owner_allowed: bool = False) -> str:
    """Return ``name`` if it is a safe pin name, else raise :class:`~vetiver.errors.InvalidPinNameError`.

    A pin name is one path component. ``owner_allowed`` (Posit Connect boards) also accepts
    ``"owner/name"``, each part checked the same way.
    """
    if owner_allowed and isinstance(name, str) and name.count("/") == 1:
        owner, _, short = name.partition("/")
        _check_component("pin owner", owner)
        _check_component("pin name", short)
        return name
    return _check_component("pin name", name)


def validate_version(version: object) -> str:
    """Return ``version`` if it is a safe version name, else raise ``InvalidPinNameError``."""
    return _check_component("pin version", version)


def validate_file_name(file_name: object) -> str:
    """Return a ``file:`` entry of ``data.txt`` if it names a file inside its version folder."""
    return _check_component("pin data file", file_name)
