"""Managing a deployed endpoint: shifting traffic between variants, autoscaling, deleting."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from .aws import Aws, is_not_found
from .errors import SageMakerError
from .requests import TAG_PREFIX, OptionError, name_prefix

SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
SCALING_METRIC = "SageMakerVariantInvocationsPerInstance"


def _resource_id(endpoint_name: str, variant_name: str) -> str:
    return f"endpoint/{endpoint_name}/variant/{variant_name}"


def configure_autoscaling(
    endpoint_name: str,
    settings: Any,
    variant_name: str = "AllTraffic",
    *,
    region: str | None = None,
    session: Any = None,
    endpoint_url: str | None = None,
) -> str:
    """Target tracking on invocations per instance for one variant; returns the policy name.

    ``settings``: ``{"min_capacity": 1, "max_capacity": 4, "target_invocations": 100,
    "scale_in_cooldown": 300, "scale_out_cooldown": 60}`` (invocations per instance per minute).
    """
    return put_autoscaling(Aws(region, session, endpoint_url), endpoint_name, variant_name, settings)


def put_autoscaling(aws: Aws, endpoint_name: str, variant_name: str, settings: Any) -> str:
    """:func:`configure_autoscaling` with the clients of a deploy."""
    from .requests import dict_option, integer_option

    given = dict_option(settings, "autoscaling")
    known = {"min_capacity", "max_capacity", "target_invocations", "scale_in_cooldown", "scale_out_cooldown"}
    unknown = set(given) - known
    if unknown:
        raise OptionError(f"unknown autoscaling settings {', '.join(sorted(unknown))}; use {', '.join(sorted(known))}")
    low = integer_option(given.get("min_capacity", 1), "autoscaling min_capacity")
    high = integer_option(given.get("max_capacity", max(low, 2)), "autoscaling max_capacity")
    if not 1 <= low <= high:
        raise OptionError(f"autoscaling needs 1 <= min_capacity <= max_capacity, not {low} and {high}")
    try:
        target = float(given.get("target_invocations", 100))
    except (TypeError, ValueError):
        raise OptionError(
            f"autoscaling target_invocations must be a number, not {given['target_invocations']!r}"
        ) from None
    if target <= 0:
        raise OptionError(f"autoscaling target_invocations must be positive, not {target}")
    resource = _resource_id(endpoint_name, variant_name)
    aws.call("application-autoscaling", "register_scalable_target", ServiceNamespace="sagemaker", ResourceId=resource,
             ScalableDimension=SCALABLE_DIMENSION, MinCapacity=low, MaxCapacity=high)  # fmt: skip
    policy = f"vetiver-{endpoint_name}-{variant_name}"[:256]
    aws.call(
        "application-autoscaling", "put_scaling_policy",
        PolicyName=policy, ServiceNamespace="sagemaker", ResourceId=resource, ScalableDimension=SCALABLE_DIMENSION,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": target,
            "PredefinedMetricSpecification": {"PredefinedMetricType": SCALING_METRIC},
            "ScaleInCooldown": integer_option(given.get("scale_in_cooldown", 300), "autoscaling scale_in_cooldown"),
            "ScaleOutCooldown": integer_option(given.get("scale_out_cooldown", 60), "autoscaling scale_out_cooldown"),
        },
    )  # fmt: skip
    return policy


def deregister_autoscaling(aws: Aws, endpoint_name: str, variant_names: Iterable[str]) -> list[str]:
    """Remove scaling targets (and so their policies) of these variants; returns those removed."""
    resources = {_resource_id(endpoint_name, name) for name in variant_names}
    found = aws.call("application-autoscaling", "describe_scalable_targets", ServiceNamespace="sagemaker",
                     ResourceIds=sorted(resources))["ScalableTargets"] if resources else []  # fmt: skip
    removed = []
    for target in found:
        aws.call("application-autoscaling", "deregister_scalable_target", ServiceNamespace="sagemaker",
                 ResourceId=target["ResourceId"], ScalableDimension=target["ScalableDimension"])  # fmt: skip
        removed.append(target["ResourceId"])
    return removed


def shift_traffic(
    endpoint_name: str,
    weights: Mapping[str, float],
    *,
    region: str | None = None,
    wait: bool = True,
    session: Any = None,
    endpoint_url: str | None = None,
    progress: TextIO | None = None,
) -> dict[str, float]:
    """Set the traffic weights of an endpoint's variants (UpdateEndpointWeightsAndCapacities).

    ``weights`` maps variant names to relative weights (``{"AllTraffic": 0.9, "v-...": 0.1}``);
    variants not named keep theirs. Returns every variant's weight as requested.

    Raises:
        OptionError: a variant the endpoint does not have, a negative weight, or all weights zero.
    """
    from .waiting import wait_for_endpoint

    aws = Aws(region, session, endpoint_url)
    described = aws.call("sagemaker", "describe_endpoint", EndpointName=endpoint_name)
    current = {v["VariantName"]: float(v.get("CurrentWeight", 0.0)) for v in described.get("ProductionVariants", [])}
    unknown = sorted(set(weights) - set(current))
    if unknown:
        raise OptionError(f"endpoint {endpoint_name} has no variant {', '.join(unknown)}; it has {', '.join(current)}")
    requested = {name: float(weight) for name, weight in weights.items()}
    if any(weight < 0 for weight in requested.values()):
        raise OptionError(f"traffic weights must not be negative: {requested}")
    final = {**current, **requested}
    if not any(final.values()):
        raise OptionError("at least one variant needs a positive weight")
    aws.call("sagemaker", "update_endpoint_weights_and_capacities", EndpointName=endpoint_name,
             DesiredWeightsAndCapacities=[{"VariantName": n, "DesiredWeight": w} for n, w in requested.items()])  # fmt: skip
    if wait:
        wait_for_endpoint(aws.client("sagemaker"), endpoint_name, described["EndpointConfigName"],
                          progress=progress)  # fmt: skip
    return final


def _tags(aws: Aws, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in aws.call("sagemaker", "list_tags", ResourceArn=arn).get("Tags", [])}


def delete_model(aws: Aws, model_name: str) -> None:
    """Delete a model, and the ``ModelDataUrl`` tarball vetiver uploaded for it."""
    from .model_data import TARBALL, delete_model_data

    described = aws.call("sagemaker", "describe_model", ModelName=model_name)
    url = (described.get("PrimaryContainer") or {}).get("ModelDataUrl")
    # the tarball vetiver uploaded for this pinned model, else None (a model made some other way)
    our_tarball = (
        url
        if url and url.endswith(f"/{TARBALL}") and f"{TAG_PREFIX}pin_name" in _tags(aws, described["ModelArn"])
        else None
    )
    aws.call("sagemaker", "delete_model", ModelName=model_name)
    if our_tarball:
        delete_model_data(aws, our_tarball)


def delete_config_and_models(
    aws: Aws, config: Mapping[str, Any], *, keep_models: Iterable[str] = (), progress: TextIO | None = None
) -> tuple[str, ...]:
    """Delete an endpoint configuration and its models except ``keep_models``; returns what went."""
    out = progress or sys.stderr
    keep = set(keep_models)
    deleted = []
    aws.call("sagemaker", "delete_endpoint_config", EndpointConfigName=config["EndpointConfigName"])
    deleted.append(config["EndpointConfigName"])
    for variant in config["ProductionVariants"]:
        if variant["ModelName"] in keep:
            continue
        try:
            delete_model(aws, variant["ModelName"])
        except SageMakerError as error:
            if not is_not_found(error):
                raise
        deleted.append(variant["ModelName"])
    print(f"deleted {', '.join(deleted)}", file=out, flush=True)
    return tuple(deleted)


def _owned(aws: Aws, kind: str, endpoint_name: str) -> list[str]:
    """Models or configurations vetiver created for ``endpoint_name`` (by its name prefix and tag)."""
    listing, key, arn_key = {
        "model": ("list_models", "Models", "ModelArn"),
        "config": ("list_endpoint_configs", "EndpointConfigs", "EndpointConfigArn"),
    }[kind]
    found = []
    token = None
    while True:
        page = aws.call("sagemaker", listing, NameContains=name_prefix(endpoint_name, kind), MaxResults=100,
                        **({"NextToken": token} if token else {}))  # fmt: skip
        for item in page[key]:
            if _tags(aws, item[arn_key]).get(f"{TAG_PREFIX}endpoint") == endpoint_name:
                found.append(item[key[:-1] + "Name"])
        token = page.get("NextToken")
        if not token:
            return found


def delete_sagemaker(
    endpoint_name: str,
    *,
    region: str | None = None,
    session: Any = None,
    endpoint_url: str | None = None,
    progress: TextIO | None = None,
) -> list[str]:
    """Delete an endpoint and every configuration and model vetiver created for it (archived ones
    included), with their autoscaling targets and ``/opt/ml/model`` tarballs. Returns the names
    deleted; the ECR images stay (delete them in ECR).

    Raises:
        EndpointNotFoundError: neither the endpoint nor anything vetiver created for it exists.
    """
    from .errors import EndpointNotFoundError

    out = progress or sys.stderr
    aws = Aws(region, session, endpoint_url)
    deleted: list[str] = []
    try:
        described = aws.call("sagemaker", "describe_endpoint", EndpointName=endpoint_name)
    except SageMakerError as error:
        if not is_not_found(error):
            raise
        described = None
    if described is not None:
        variants = [v["VariantName"] for v in described.get("ProductionVariants", [])]
        deregister_autoscaling(aws, endpoint_name, variants)
        aws.call("sagemaker", "delete_endpoint", EndpointName=endpoint_name)
        deleted.append(endpoint_name)
        config_names = [described["EndpointConfigName"]]
    else:
        config_names = []
    config_names += [c for c in _owned(aws, "config", endpoint_name) if c not in config_names]
    models: list[str] = []
    for config_name in config_names:
        try:
            config = aws.call("sagemaker", "describe_endpoint_config", EndpointConfigName=config_name)
        except SageMakerError as error:
            if is_not_found(error):
                continue
            raise
        models += [v["ModelName"] for v in config["ProductionVariants"] if v["ModelName"] not in models]
        aws.call("sagemaker", "delete_endpoint_config", EndpointConfigName=config_name)
        deleted.append(config_name)
    models += [m for m in _owned(aws, "model", endpoint_name) if m not in models]
    for model_name in models:
        try:
            delete_model(aws, model_name)
        except SageMakerError as error:
            if is_not_found(error):
                continue
            raise
        deleted.append(model_name)
    if not deleted:
        raise EndpointNotFoundError(
            f"no endpoint {endpoint_name!r}, and nothing vetiver created for it, in {aws.region}"
        )
    print(f"deleted {', '.join(deleted)}", file=out, flush=True)
    return deleted
