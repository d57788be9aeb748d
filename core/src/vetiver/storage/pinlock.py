"""One writer at a time per pin on local folder boards.

An unversioned write reads the pin's versions, publishes a new one and removes the old ones; two
writers interleaving those steps used to leave two versions behind (after which every unversioned
write was refused) or crash deleting a version the other had removed. On a local board the steps
run under an exclusive ``flock`` of the pin's folder, which needs no lock file (pins and vetiver
0.2.6 would list one as a version) and is released by the kernel if a writer dies. Object stores
have no such lock; there the writer lists versions again after publishing and removes every older
one, tolerating versions another writer removed first.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; writers fall back to the object-store rule
    fcntl = None  # type: ignore[assignment]


@contextlib.contextmanager
def pin_lock(board: Any, name: str) -> Iterator[None]:
    """Hold the write lock of pin ``name`` (a no-op where the board is not a local folder)."""
    from .boards import board_protocols

    if fcntl is None or not ({"file", "local"} & set(board_protocols(board))):
        yield
        return
    pin_dir = board.construct_path([board.path_to_pin(name)])
    created = not os.path.isdir(pin_dir)
    os.makedirs(pin_dir, exist_ok=True)
    fd = os.open(pin_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
        if created:
            with contextlib.suppress(OSError):
                os.rmdir(pin_dir)  # a failed first write leaves no empty pin behind (fails if not empty)
