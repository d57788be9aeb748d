"""vetiver plugin: the ``docker`` deploy target.

``vetiver.prepare("docker", board, name, path)`` writes a build context (app, pinned requirements,
Dockerfile, optionally Kubernetes manifests) and ``vetiver.deploy("docker", board, name, tag=...)``
also builds it with the local Docker engine. Registered through the ``vetiver`` entry-point group;
importing this module imports nothing beyond vetiver's hook markers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vetiver.hookspecs import DeployTarget, hookimpl

__version__ = "0.3.0"

OPTIONS = (
    "base_image",
    "host",
    "port",
    "workers",
    "runtime",
    "rspm_env",
    "bundle",
    "allow_pickle",
    "packages",
    "board_url",
    "kubernetes",
    "image",
    "replicas",
    "max_replicas",
    "cpu_request",
    "memory_request",
    "memory_limit",
    "target_cpu",
    "overwrite",
    "tag",
    "path",
    "network",
)


def _prepare(board: Any, name: str, path: Path, version: str | None = None, **options: Any) -> Path:
    from .context import prepare

    return prepare(board, name, path, version, **options)


def _deploy(board: Any, name: str, version: str | None = None, **options: Any) -> str:
    from .deploy import deploy

    return deploy(board, name, version, **options)


@hookimpl
def deploy_targets() -> list[DeployTarget]:
    return [
        DeployTarget(
            "docker",
            _prepare,
            _deploy,
            description="a Docker image serving the model (and Kubernetes manifests for it)",
            options=OPTIONS,
        )
    ]
