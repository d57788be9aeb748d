"""Building the SageMaker image with the local engine and pushing it where SageMaker pulls from."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

from .aws import Aws


def image_tag(version: str) -> str:
    """The image tag for a pin version (Docker tags: 128 characters of ``[A-Za-z0-9_.-]``)."""
    import re

    return (re.sub(r"[^A-Za-z0-9_.-]", "-", version).lstrip(".-") or time.strftime("%Y-%m-%d"))[:128]


def build_and_push(
    aws: Aws,
    board: Any,
    name: str,
    version: str,
    *,
    repository: str,
    registry: str | None = None,
    model_data: bool = False,
    allow_pickle: bool = False,
    network: str | None = None,
    tags: list[dict[str, str]] | None = None,
    docker: str = "docker",
    progress: TextIO | None = None,
    **options: Any,
) -> str:
    """Build the image for pin ``name`` at ``version`` and push it; returns the image URI.

    The build context is written to a temporary folder (removed afterwards) and built with the
    local engine, its progress shown. Unless ``registry`` is given, the ECR repository is created
    if needed and logged in to with an ECR token.

    Raises:
        DockerUnavailableError: no engine answers (before anything is created in AWS).
        ImageBuildError / ImagePushError: the build or push failed.
    """
    from vetiver_docker.engine import DockerUnavailableError, build_image, engine_problem

    from .context import prepare
    from .registry import ecr_login, ensure_repository, push_image
    from .requests import resource_name

    problem = engine_problem(docker)
    if problem is not None:
        raise DockerUnavailableError(
            f"building the SageMaker image needs a Docker engine ({problem}); start one, or build and push the "
            "image elsewhere and pass image_uri= (CLI: --image-uri)"
        )
    repository = resource_name(repository).lower()
    tag = image_tag(version)
    local_tag = f"{repository}:{tag}"
    folder = Path(tempfile.mkdtemp(prefix=f"vetiver-sagemaker-{name}-"))
    try:
        prepare(board, name, folder, version, model_data=model_data, allow_pickle=allow_pickle, overwrite=True,
                **options)  # fmt: skip
        build_image(folder, local_tag, network=network, docker=docker, progress=progress)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if registry:
        return push_image(local_tag, f"{registry.rstrip('/')}/{repository}", tag, docker=docker, progress=progress)
    repository_uri = ensure_repository(aws, repository, tags)
    return push_image(local_tag, repository_uri, tag, login=ecr_login(aws), docker=docker, progress=progress)
