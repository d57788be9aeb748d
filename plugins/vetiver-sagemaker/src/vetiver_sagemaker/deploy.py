"""``deploy_sagemaker``: a pinned model as a SageMaker endpoint whose name stays stable across versions.

A deploy creates a SageMaker model (the image, the pin's location and tags naming the pin and the
vetiver version) and an endpoint configuration, then either creates the endpoint or updates it in
place: ``replace`` swaps every variant for the new model and deletes what it replaced, ``add``
puts the new model beside the serving one at weight 0 for :func:`~vetiver_sagemaker.manage.shift_traffic`.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from .aws import Aws, is_not_found
from .endpoint import Deployment, SageMakerEndpoint
from .errors import EndpointExistsError, RoleError, SageMakerError, UnreachableBoardError
from .requests import (
    OptionError,
    async_inference_config,
    check_name,
    environment,
    new_variant_name,
    production_variant,
    resource_name,
    serverless_config,
    tag_list,
    unique_name,
    vetiver_tags,
)
from .runtime import MODEL_DIR

MODES = ("create", "replace", "add")
VARIANT = "AllTraffic"
"""The variant name of a new endpoint, as SageMaker's own SDK and vetiver R name it."""


def deploy_sagemaker(
    board: Any,
    name: str,
    instance_type: str | None = None,
    version: str | None = None,
    endpoint_name: str | None = None,
    mode: str = "create",
    role: str | None = None,
    region: str | None = None,
    repo_name: str | None = None,
    image_uri: str | None = None,
    instance_count: int = 1,
    serverless: Any = None,
    async_inference: Any = None,
    tags: Any = None,
    wait: bool = True,
    *,
    model_data: str | None = None,
    archive: bool = False,
    autoscaling: Any = None,
    environment_vars: dict[str, str] | None = None,
    allow_pickle: bool | None = None,
    registry: str | None = None,
    network: str | None = None,
    timeout: float = 1800,
    session: Any = None,
    endpoint_url: str | None = None,
    progress: TextIO | None = None,
    **docker_options: Any,
) -> SageMakerEndpoint:
    """Deploy pin ``name`` to the SageMaker endpoint ``endpoint_name`` and return it.

    Args:
        board: A pins board or a board URL. The container reads an S3 board at start (vetiver R's
            way); a folder board needs ``model_data``.
        name: The pin name.
        instance_type: The instance type (``ml.m5.large``); not for serverless endpoints.
        version: The pin version; the newest when None.
        endpoint_name: The endpoint; the pin name made valid for SageMaker by default.
        mode: ``"create"`` a new endpoint (an existing one is an error); ``"replace"`` the model
            of an existing endpoint (a new configuration, UpdateEndpoint, then the replaced models
            and configurations are deleted unless ``archive``); ``"add"`` the model as a new variant
            at weight 0 beside the serving ones. ``replace`` and ``add`` create a missing endpoint.
        role: The execution role SageMaker runs the model as (an ARN or a role name); by default
            the role this code runs as when it is an assumed role (SageMaker Studio, notebooks).
        region: The AWS region; the session's when None.
        repo_name: The ECR repository pushed to; ``vetiver-<endpoint name>`` by default.
        image_uri: Deploy this image instead of building and pushing one.
        instance_count: Instances of the new variant.
        serverless: Serverless settings, ``{"memory_size_in_mb": 1024-6144 in 1 GB steps,
            "max_concurrency": 1-200, "provisioned_concurrency": n}``.
        async_inference: Asynchronous inference: an S3 output path, or ``{"output_path",
            "failure_path", "max_concurrent_invocations", "success_topic", "error_topic"}``.
        tags: Extra tags for the model, configuration, endpoint and repository.
        wait: Wait until the endpoint is ``InService`` on the new configuration (needed for the
            clean-up of ``replace`` and for autoscaling).
        model_data: An ``s3://bucket/prefix`` to upload the pin version to as ``model.tar.gz``;
            SageMaker unpacks it into ``/opt/ml/model``, where the container reads it.
        archive: With ``replace``, keep the replaced models and configurations.
        autoscaling: Target tracking on invocations per instance for the new variant:
            ``{"min_capacity": 1, "max_capacity": 4, "target_invocations": 100}``.
        environment_vars: Extra container environment variables.
        allow_pickle: Consent to unpickling the model in the container (default: the board's).
        registry: Push to this private registry (``host[:port]``) instead of ECR; SageMaker pulls
            it through the model's VPC (``RepositoryAccessMode="Vpc"``).
        network: ``docker build --network`` for the image build.
        timeout: Seconds to wait for ``InService``.
        session: A ``boto3.Session``.
        endpoint_url: One endpoint URL for every AWS API (VPC endpoints, or moto in tests).
        progress: Where build, push and wait progress goes (stdout for the build, stderr for the wait).
        **docker_options: vetiver-docker build-context options (``base_image``, ``packages``...).

    Returns:
        The endpoint, with what was created in its ``deployment`` attribute.

    Raises:
        EndpointExistsError: ``mode="create"`` and the endpoint exists.
        UnreachableBoardError: a folder board without ``model_data``.
        RoleError: no execution role given or found.
        AwsPermissionError: a call was denied; the message names the missing IAM permission.
        DeploymentFailedError / RollbackError: the endpoint failed or rolled back (FailureReason).
        DockerUnavailableError: a build or push needs a Docker engine and none answers.
    """
    from vetiver.bundle import is_local_board, remote_board_url
    from vetiver.storage import pinstore
    from vetiver.storage.boards import as_board

    if mode not in MODES:
        raise OptionError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if not wait and (autoscaling or (mode == "replace" and not archive)):
        raise OptionError("autoscaling and replace's clean-up need wait=True (or pass archive=True)")
    board = as_board(board)
    version = version or pinstore.latest_version(board, name)
    endpoint_name = check_name(endpoint_name or resource_name(name))
    serverless_settings = serverless_config(serverless) if serverless else None
    async_settings = async_inference_config(async_inference) if async_inference else None
    if serverless_settings and (async_settings or autoscaling):
        raise OptionError("a serverless endpoint takes neither async_inference nor autoscaling")
    if is_local_board(board) and not model_data:
        raise UnreachableBoardError(
            f"pin {name!r} is on a board on this machine, which a SageMaker container cannot read; pass "
            "model_data='s3://BUCKET/PREFIX' (CLI: --model-data) to ship the pin version through /opt/ml/model, "
            "or pin the model to an S3 board"
        )
    board_url = MODEL_DIR if model_data else remote_board_url(board)
    user_tags = tag_list(tags)
    tags_out = [*vetiver_tags(board=remote_board_url(board) if not is_local_board(board) else board.board,
                              name=name, version=version, endpoint_name=endpoint_name), *user_tags]  # fmt: skip
    aws = Aws(region, session, endpoint_url)
    out = progress or sys.stderr

    existing = _describe_endpoint(aws, endpoint_name)
    if existing is not None and mode == "create":
        raise EndpointExistsError(
            f"endpoint {endpoint_name} already exists; deploy with mode='replace' to swap its model, or mode='add' "
            "to add a variant beside it"
        )
    role_arn = execution_role(aws, role)
    uses_pickle = _uses_pickle(board, name, version, allow_pickle)

    if image_uri is None:
        from .image import build_and_push

        image_uri = build_and_push(aws, board, name, version, repository=repo_name or f"vetiver-{endpoint_name}",
                                   registry=registry, model_data=bool(model_data), allow_pickle=uses_pickle,
                                   network=network, tags=user_tags, progress=progress,
                                   **docker_options)  # fmt: skip
    model_data_url = None
    if model_data:
        from .model_data import upload_model_data

        model_data_url = upload_model_data(aws, board, name, version, model_data)

    container = _container(image_uri, board_url, name, version, uses_pickle=uses_pickle,
                           environment_vars=environment_vars, model_data_url=model_data_url,
                           registry=registry)  # fmt: skip
    model_name = unique_name(endpoint_name, "model")
    aws.call("sagemaker", "create_model", ModelName=model_name, ExecutionRoleArn=role_arn, PrimaryContainer=container,
             Tags=tags_out)  # fmt: skip
    print(f"created model {model_name} ({image_uri})", file=out, flush=True)

    old_config = _describe_config(aws, existing["EndpointConfigName"]) if existing else None
    variant_name = VARIANT if old_config is None or mode == "replace" else new_variant_name(version)
    variant = production_variant(variant_name, model_name, instance_type=instance_type, instance_count=instance_count,
                                 weight=0.0 if old_config is not None and mode == "add" else 1.0,
                                 serverless=serverless_settings)  # fmt: skip
    variants = [variant]
    if existing is not None and old_config is not None and mode == "add":
        variants = [*_current_variants(old_config, existing), variant]
    config_name = unique_name(endpoint_name, "config")
    config: dict[str, Any] = {"EndpointConfigName": config_name, "ProductionVariants": variants, "Tags": tags_out}
    if async_settings:
        config["AsyncInferenceConfig"] = async_settings
    aws.call("sagemaker", "create_endpoint_config", **config)
    print(f"created endpoint configuration {config_name}", file=out, flush=True)

    if existing is None:
        aws.call("sagemaker", "create_endpoint", EndpointName=endpoint_name, EndpointConfigName=config_name,
                 Tags=tags_out)  # fmt: skip
        print(f"creating endpoint {endpoint_name}", file=out, flush=True)
    else:
        from .manage import deregister_autoscaling

        if mode == "replace" and old_config is not None:  # a variant being removed must not stay registered for scaling
            deregister_autoscaling(aws, endpoint_name, [v["VariantName"] for v in old_config["ProductionVariants"]])
        aws.call("sagemaker", "update_endpoint", EndpointName=endpoint_name, EndpointConfigName=config_name)
        print(f"updating endpoint {endpoint_name} to {config_name} ({mode})", file=out, flush=True)

    deleted: tuple[str, ...] = ()
    if wait:
        from .waiting import wait_for_endpoint

        wait_for_endpoint(aws.client("sagemaker"), endpoint_name, config_name, updating=existing is not None,
                          timeout=timeout, progress=out)  # fmt: skip
        if old_config is not None and not archive:
            from .manage import delete_config_and_models

            keep = {v["ModelName"] for v in variants}
            deleted = delete_config_and_models(aws, old_config, keep_models=keep, progress=out)
        if autoscaling:
            from .manage import put_autoscaling

            put_autoscaling(aws, endpoint_name, variant_name, autoscaling)
    endpoint = SageMakerEndpoint(endpoint_name, aws.region, session=aws.session, endpoint_url=endpoint_url)
    endpoint.deployment = Deployment(model_name, config_name, variant_name, image_uri, model_data_url, deleted)
    return endpoint


def _container(image_uri: str, board_url: str, name: str, version: str, *, uses_pickle: bool,
               environment_vars: dict[str, str] | None, model_data_url: str | None,
               registry: str | None) -> dict[str, Any]:  # fmt: skip
    """The model's PrimaryContainer: the image, the environment telling the vetiver runtime which pin
    to serve, the model data to unpack into /opt/ml/model, and VPC pulls for a private registry."""
    container: dict[str, Any] = {
        "Image": image_uri,
        "Environment": environment({
            "VETIVER_BOARD": board_url,
            "VETIVER_PIN_NAME": name,
            "VETIVER_PIN_VERSION": version,
            "VETIVER_RUNTIME": "sagemaker",
            **({"PINS_ALLOW_PICKLE_READ": "1"} if uses_pickle else {}),
            **(environment_vars or {}),
        }),
    }  # fmt: skip
    if model_data_url:
        container["ModelDataUrl"] = model_data_url
    if registry:
        container["ImageConfig"] = {"RepositoryAccessMode": "Vpc"}
    return container


def _describe_endpoint(aws: Aws, endpoint_name: str) -> dict[str, Any] | None:
    try:
        return aws.call("sagemaker", "describe_endpoint", EndpointName=endpoint_name)
    except SageMakerError as error:
        if is_not_found(error):
            return None
        raise


def _describe_config(aws: Aws, config_name: str) -> dict[str, Any]:
    return aws.call("sagemaker", "describe_endpoint_config", EndpointConfigName=config_name)


def _current_variants(config: dict[str, Any], endpoint: dict[str, Any]) -> list[dict[str, Any]]:
    """The serving variants as they are now (weights shifted since creation included), for a new
    configuration that keeps them."""
    current = {v["VariantName"]: v for v in endpoint.get("ProductionVariants", [])}
    keys = ("VariantName", "ModelName", "InitialVariantWeight", "InstanceType", "InitialInstanceCount",
            "ServerlessConfig", "AcceleratorType", "VolumeSizeInGB", "ModelDataDownloadTimeoutInSeconds",
            "ContainerStartupHealthCheckTimeoutInSeconds")  # fmt: skip
    variants = []
    for variant in config["ProductionVariants"]:
        kept = {key: variant[key] for key in keys if key in variant}
        live = current.get(variant["VariantName"], {})
        if "CurrentWeight" in live:
            kept["InitialVariantWeight"] = float(live["CurrentWeight"])
        if live.get("CurrentInstanceCount") and "InstanceType" in kept:
            kept["InitialInstanceCount"] = int(live["CurrentInstanceCount"])
        variants.append(kept)
    return variants


def _uses_pickle(board: Any, name: str, version: str, allow_pickle: bool | None) -> bool:
    """Whether the container must unpickle the model; refuses now, not at container start."""
    from vetiver.bundle import plan

    return plan(board, name, version, bundle=True, allow_pickle=allow_pickle, runtime="sagemaker").uses_pickle


def execution_role(aws: Aws, role: str | None) -> str:
    """The execution role's ARN: ``role`` (an ARN, or a name looked up in IAM), or the assumed role
    this code runs as (SageMaker Studio and notebook instances run as their execution role)."""
    if role:
        if role.startswith("arn:"):
            if ":role/" not in role or not role.split(":")[4].isdigit():
                raise RoleError(f"role {role!r} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
            return role
        try:
            return aws.call("iam", "get_role", RoleName=role)["Role"]["Arn"]
        except SageMakerError as error:
            raise RoleError(f"no IAM role named {role!r} ({error}); pass role= the ARN of a role SageMaker can assume") \
                from error  # fmt: skip
    identity = aws.call("sts", "get_caller_identity")
    arn = identity["Arn"]
    if ":assumed-role/" in arn:
        role_name = arn.split(":assumed-role/", 1)[1].split("/", 1)[0]
        try:
            return aws.call("iam", "get_role", RoleName=role_name)["Role"]["Arn"]
        except SageMakerError:  # no iam:GetRole: the plain role ARN (roles with a path need role=)
            return f"arn:{arn.split(':')[1]}:iam::{identity['Account']}:role/{role_name}"
    raise RoleError(
        f"no execution role: this code runs as {arn}, not as a role; pass role= the ARN of an IAM role that "
        "SageMaker can assume (trust policy for sagemaker.amazonaws.com) with access to ECR and the pin's bucket"
    )
