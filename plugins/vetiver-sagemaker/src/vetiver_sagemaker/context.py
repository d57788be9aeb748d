"""``prepare``: the Docker plugin's build context, made into a SageMaker inference image.

The context is vetiver-docker's (pinned requirements, local wheels, multi-stage Dockerfile, exec-form
ENTRYPOINT that accepts ``serve``) with the ``sagemaker`` serving runtime, port 8080, no pin copied
in (SageMaker hands the container its model: an S3 board named in the environment, or
``/opt/ml/model``), and a SageMaker section appended to the Dockerfile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .runtime import MODEL_DIR

SAGEMAKER_PORT = 8080

SAGEMAKER_DOCKERFILE = """
# SageMaker: serve on 8080 or SAGEMAKER_BIND_TO_PORT (which SageMaker only sets for images carrying
# this label), and run as root, which SageMaker expects of containers (its /opt/ml volumes are
# root's; see "Use your own inference code" in the SageMaker developer guide).
LABEL com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true
USER 0:0
"""


def prepare(
    board: Any,
    name: str,
    path: str | Path,
    version: str | None = None,
    *,
    model_data: bool | str | None = None,
    **options: Any,
) -> Path:
    """Write a SageMaker image's build context for pin ``name`` into ``path``.

    Args:
        board: A pins board or a board URL.
        name: The pin name.
        path: The folder to write into.
        version: The pin version; the newest when None.
        model_data: The model reaches the container through ``/opt/ml/model`` (a ``ModelDataUrl``
            tarball); otherwise the container reads the (remote) board at start.
        **options: vetiver-docker's ``prepare`` options (``base_image``, ``packages``,
            ``allow_pickle``, ``board_url``, ``overwrite``...); runtime, port and bundling are
            SageMaker's.

    Raises:
        UnreachableBoardError: the board is a folder (or memory) board and ``model_data`` is not
            set: a container in AWS cannot read it.
    """
    from vetiver.bundle import is_local_board
    from vetiver.errors import UnexpectedArgumentError
    from vetiver.storage.boards import as_board
    from vetiver_docker.context import prepare as prepare_docker

    from .errors import UnreachableBoardError

    for fixed in ("runtime", "port", "bundle", "kubernetes"):
        if fixed in options:
            raise UnexpectedArgumentError(f"the sagemaker target sets {fixed} itself; do not pass {fixed}=")
    board = as_board(board)
    if is_local_board(board) and not model_data:
        raise UnreachableBoardError(
            f"pin {name!r} is on a board on this machine, which a SageMaker container cannot read; ship the pin "
            "version through /opt/ml/model with model_data='s3://BUCKET/PREFIX' (CLI: --model-data), or pin the "
            "model to an S3 board"
        )
    if model_data:
        options["board_url"] = MODEL_DIR
    folder = prepare_docker(board, name, path, version, runtime="sagemaker", port=SAGEMAKER_PORT, bundle=False,
                            **options)  # fmt: skip
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + SAGEMAKER_DOCKERFILE)
    return folder
