"""``deploy``: prepare a context and build it into an image with the local Docker engine."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any


def deploy(
    board: Any,
    name: str,
    version: str | None = None,
    *,
    tag: str | None = None,
    path: str | Path | None = None,
    network: str | None = None,
    docker: str = "docker",
    **options: Any,
) -> str:
    """Build an image serving pin ``name`` and return its tag.

    Args:
        board: A pins board or a board URL.
        name: The pin name.
        version: The pin version; the newest when None.
        tag: The image tag; ``<pin name>:<version>`` by default.
        path: Where to write the build context. By default a temporary folder, removed once the
            image is built (and kept when no engine is reachable, so the printed command works).
        network: ``docker build --network`` (``host`` where the engine has no bridge network).
        docker: The Docker CLI to run.
        **options: Options of :func:`vetiver_docker.context.prepare` (``base_image``, ``port``,
            ``workers``, ``kubernetes``...).

    Raises:
        DockerUnavailableError: no engine answers; the message has the ``docker build`` command.
        ImageBuildError: the build failed (the context is kept).
    """
    from vetiver.storage import pinstore
    from vetiver.storage.boards import as_board

    from .context import default_tag, prepare
    from .engine import build_image

    board = as_board(board)
    version = version or pinstore.latest_version(board, name)
    tag = str(tag) if tag else default_tag(name, version)
    temporary = path is None
    folder = Path(tempfile.mkdtemp(prefix=f"vetiver-docker-{name}-")) if temporary else Path(path)
    prepare(board, name, folder, version, image=options.pop("image", tag), **options)
    build_image(folder, tag, network=network, docker=docker)
    if temporary:
        shutil.rmtree(folder, ignore_errors=True)
    return tag
