"""vetiver plugin: the ``sagemaker`` deploy target and serving runtime.

* ``vetiver.deploy_sagemaker(board, name, instance_type, ...)`` (also ``vetiver deploy sagemaker``)
  builds the Docker plugin's image for SageMaker, pushes it to ECR and creates or updates an
  endpoint in place (``mode="replace"`` / ``"add"``), keeping its name across model versions;
* ``vetiver.predict(SageMakerEndpoint("name"), data)`` calls it;
* ``vetiver serve BOARD NAME --runtime sagemaker`` serves SageMaker's container contract
  (``/ping``, ``/invocations``, ``/execution-parameters``), which the image runs.

Registered through the ``vetiver`` entry-point group. Importing this module imports neither boto3
nor a web server: names are loaded on first use.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vetiver.hookspecs import DeployTarget, ServingRuntime, hookimpl

__version__ = "0.3.0"

OPTIONS = (
    "instance_type",
    "endpoint_name",
    "mode",
    "role",
    "region",
    "repo_name",
    "image_uri",
    "instance_count",
    "serverless",
    "async_inference",
    "tags",
    "wait",
    "model_data",
    "archive",
    "autoscaling",
    "allow_pickle",
    "registry",
    "network",
    "timeout",
    "endpoint_url",
    "base_image",
    "packages",
)

_EXPORTS = {
    "deploy_sagemaker": "vetiver_sagemaker.deploy",
    "SageMakerEndpoint": "vetiver_sagemaker.endpoint",
    "Deployment": "vetiver_sagemaker.endpoint",
    "shift_traffic": "vetiver_sagemaker.manage",
    "configure_autoscaling": "vetiver_sagemaker.manage",
    "delete_sagemaker": "vetiver_sagemaker.manage",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'vetiver_sagemaker' has no attribute {name!r}")


def _prepare(board: Any, name: str, path: Path, version: str | None = None, **options: Any) -> Path:
    from .context import prepare

    return prepare(board, name, path, version, **options)


def _deploy(board: Any, name: str, version: str | None = None, **options: Any) -> Any:
    from .deploy import deploy_sagemaker

    return deploy_sagemaker(board, name, version=version, **options)


@hookimpl
def deploy_targets() -> list[DeployTarget]:
    return [
        DeployTarget(
            "sagemaker",
            _prepare,
            _deploy,
            description="a SageMaker endpoint (ECR image; create, replace or add a variant in place)",
            options=OPTIONS,
        )
    ]


@hookimpl
def serving_runtimes() -> list[ServingRuntime]:
    from .runtime import RUNTIME

    return [RUNTIME]


if TYPE_CHECKING:
    from .deploy import deploy_sagemaker as deploy_sagemaker
    from .endpoint import Deployment as Deployment
    from .endpoint import SageMakerEndpoint as SageMakerEndpoint
    from .manage import configure_autoscaling as configure_autoscaling
    from .manage import delete_sagemaker as delete_sagemaker
    from .manage import shift_traffic as shift_traffic
