"""The SageMaker API request bodies a deploy sends, built and validated before any call.

Pure functions of their arguments, so a bad option (serverless memory of 1000 MB, an async
output path that is not ``s3://``) is refused before anything is created in the account.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Mapping
from typing import Any

from vetiver.errors import InvalidArgumentError

NAME_LIMIT = 63
"""SageMaker model, endpoint-config, endpoint and variant names: at most 63 characters of
letters, digits and single hyphens, starting with a letter or digit."""

_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*$")
SERVERLESS_MEMORY_MB = (1024, 2048, 3072, 4096, 5120, 6144)
MAX_CONCURRENCY = (1, 200)
ENVIRONMENT_LIMIT = 16
"""``ContainerDefinition.Environment`` holds at most 16 entries of up to 1024 characters."""

TAG_PREFIX = "vetiver:"


class OptionError(InvalidArgumentError):
    """A deploy option SageMaker would refuse; the message gives the allowed values."""


def check_name(value: str, what: str = "endpoint name") -> str:
    """``value`` if SageMaker accepts it as a resource name."""
    if not isinstance(value, str) or len(value) > NAME_LIMIT or not _NAME.match(value):
        raise OptionError(
            f"{what} {value!r} is not valid for SageMaker: use at most {NAME_LIMIT} letters, digits and hyphens, "
            "starting with a letter or digit"
        )
    return value


def resource_name(text: str) -> str:
    """``text`` made into a valid SageMaker name (pin names may have ``_`` and ``.``)."""
    cleaned = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-")[:NAME_LIMIT].rstrip("-")
    return cleaned or "vetiver"


_STAMP = len("-20260101000000-abcdef")


def name_prefix(endpoint_name: str, kind: str) -> str:
    """``<endpoint>-<kind>-``, the endpoint part cut so a :func:`unique_name` fits 63 characters."""
    return f"{endpoint_name[: NAME_LIMIT - _STAMP - len(kind) - 2].rstrip('-')}-{kind}-"


def unique_name(endpoint_name: str, kind: str) -> str:
    """``<endpoint>-<kind>-<UTC time>-<random>``: names of models and configs of one endpoint
    sort by creation and share the endpoint's prefix (how :func:`~vetiver_sagemaker.delete_sagemaker`
    finds them)."""
    return f"{name_prefix(endpoint_name, kind)}{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{secrets.token_hex(3)}"


def new_variant_name(version: str) -> str:
    """A variant name for a pin version added beside the serving ones: ``v-<version>-<random>``."""
    return f"{resource_name(f'v-{version}')[: NAME_LIMIT - 7]}-{secrets.token_hex(3)}"


def dict_option(value: Any, what: str) -> dict[str, Any]:
    """A dict option, also given as ``key=value,key=value`` from the CLI."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str):
        pairs = [item.split("=", 1) for item in value.split(",") if item.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise OptionError(f"{what} must be key=value pairs separated by commas, not {value!r}")
        return {key.strip(): item.strip() for key, item in pairs}
    raise OptionError(f"{what} must be a dict (or key=value,... from the CLI), not {type(value).__name__}")


def integer_option(value: Any, what: str) -> int:
    """An integer option (also given as text from the CLI)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise OptionError(f"{what} must be an integer, not {value!r}") from None
    if str(number) != str(value).strip() and not isinstance(value, int):
        raise OptionError(f"{what} must be an integer, not {value!r}")
    return number


def serverless_config(serverless: Any) -> dict[str, Any]:
    """``ProductionVariantServerlessConfig`` from ``{"memory_size_in_mb": 2048, "max_concurrency": 5,
    "provisioned_concurrency": 1}`` (AWS's own key names work too)."""
    aws_names = {"MemorySizeInMB": "memory_size_in_mb", "MaxConcurrency": "max_concurrency",
                 "ProvisionedConcurrency": "provisioned_concurrency"}  # fmt: skip
    given = {aws_names.get(str(k), str(k)): v for k, v in dict_option(serverless, "serverless").items()}
    unknown = set(given) - {"memory_size_in_mb", "max_concurrency", "provisioned_concurrency"}
    if unknown:
        raise OptionError(f"unknown serverless settings {', '.join(sorted(unknown))}; use memory_size_in_mb, "
                          "max_concurrency and provisioned_concurrency")  # fmt: skip
    memory = integer_option(given.get("memory_size_in_mb", 2048), "serverless memory_size_in_mb")
    if memory not in SERVERLESS_MEMORY_MB:
        raise OptionError(
            f"serverless memory_size_in_mb must be one of {', '.join(map(str, SERVERLESS_MEMORY_MB))} (1 GB steps), not {memory}"
        )
    concurrency = integer_option(given.get("max_concurrency", 5), "serverless max_concurrency")
    low, high = MAX_CONCURRENCY
    if not low <= concurrency <= high:
        raise OptionError(f"serverless max_concurrency must be between {low} and {high}, not {concurrency}")
    config = {"MemorySizeInMB": memory, "MaxConcurrency": concurrency}
    if "provisioned_concurrency" in given:
        provisioned = integer_option(given["provisioned_concurrency"], "serverless provisioned_concurrency")
        if not 1 <= provisioned <= concurrency:
            raise OptionError(
                f"serverless provisioned_concurrency must be between 1 and max_concurrency ({concurrency}), not {provisioned}"
            )
        config["ProvisionedConcurrency"] = provisioned
    return config


def async_inference_config(async_inference: Any) -> dict[str, Any]:
    """``AsyncInferenceConfig`` from an S3 output path, or ``{"output_path": "s3://...",
    "failure_path": "s3://...", "max_concurrent_invocations": 4, "success_topic": arn,
    "error_topic": arn}``."""
    given = {"output_path": async_inference} if isinstance(async_inference, str) and "=" not in async_inference \
        else dict_option(async_inference, "async_inference")  # fmt: skip
    unknown = set(given) - {"output_path", "failure_path", "max_concurrent_invocations", "success_topic", "error_topic"}
    if unknown:
        raise OptionError(f"unknown async_inference settings: {', '.join(sorted(unknown))}")
    output = given.get("output_path")
    if not isinstance(output, str) or not output.startswith("s3://") or len(output) <= len("s3://"):
        raise OptionError(f"async_inference needs an S3 output path (s3://bucket/prefix), not {output!r}")
    config: dict[str, Any] = {"OutputConfig": {"S3OutputPath": output}}
    if given.get("failure_path"):
        if not str(given["failure_path"]).startswith("s3://"):
            raise OptionError(f"async_inference failure_path must be an s3:// path, not {given['failure_path']!r}")
        config["OutputConfig"]["S3FailurePath"] = given["failure_path"]
    topics = {key: given[name] for key, name in (("SuccessTopic", "success_topic"), ("ErrorTopic", "error_topic"))
              if given.get(name)}  # fmt: skip
    if topics:
        config["OutputConfig"]["NotificationConfig"] = topics
    if "max_concurrent_invocations" in given:
        count = integer_option(given["max_concurrent_invocations"], "async_inference max_concurrent_invocations")
        if not 1 <= count <= 1000:
            raise OptionError(f"async_inference max_concurrent_invocations must be between 1 and 1000, not {count}")
        config["ClientConfig"] = {"MaxConcurrentInvocationsPerInstance": count}
    return config


def production_variant(
    variant_name: str,
    model_name: str,
    *,
    instance_type: str | None,
    instance_count: int = 1,
    weight: float = 1.0,
    serverless: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One ``ProductionVariant``: serverless settings replace instance type and count."""
    variant: dict[str, Any] = {"VariantName": variant_name, "ModelName": model_name,
                               "InitialVariantWeight": float(weight)}  # fmt: skip
    if serverless is not None:
        variant["ServerlessConfig"] = serverless
        return variant
    if not instance_type:
        raise OptionError("instance_type is needed (e.g. ml.m5.large), unless the endpoint is serverless")
    count = integer_option(instance_count, "instance_count")
    if count < 1:
        raise OptionError(f"instance_count must be at least 1, not {count}")
    variant.update(InstanceType=instance_type, InitialInstanceCount=count)
    return variant


def tag_list(tags: Any) -> list[dict[str, str]]:
    """User tags (a dict, ``[{"Key", "Value"}]`` or ``k=v,...``) as SageMaker's tag list; the
    ``vetiver:`` prefix is reserved for the tags vetiver writes."""
    if tags is None:
        return []
    if isinstance(tags, list):
        pairs = {str(t["Key"]): str(t["Value"]) for t in tags}
    else:
        pairs = {str(k): str(v) for k, v in dict_option(tags, "tags").items()}
    reserved = sorted(k for k in pairs if k.startswith(TAG_PREFIX))
    if reserved:
        raise OptionError(f"tags {', '.join(reserved)} use the reserved prefix {TAG_PREFIX!r}")
    return [{"Key": k, "Value": v} for k, v in pairs.items()]


def vetiver_tags(*, board: str, name: str, version: str, endpoint_name: str) -> list[dict[str, str]]:
    """The tags vetiver puts on every model and config it creates: where the pin came from, the
    vetiver version, and the endpoint (so deletes find what belongs to it)."""
    from vetiver import __version__

    values = {"pin_board": board, "pin_name": name, "pin_version": version, "version": __version__,
              "endpoint": endpoint_name}  # fmt: skip
    return [{"Key": f"{TAG_PREFIX}{key}", "Value": value[:256]} for key, value in values.items()]


def environment(values: Mapping[str, str]) -> dict[str, str]:
    """A container environment within SageMaker's limits (16 entries, 1024 characters each)."""
    env = {str(k): str(v) for k, v in values.items()}
    if len(env) > ENVIRONMENT_LIMIT:
        raise OptionError(
            f"SageMaker allows {ENVIRONMENT_LIMIT} container environment variables; this model has {len(env)}"
        )
    long = sorted(k for k, v in env.items() if len(k) > 1024 or len(v) > 1024)
    if long:
        raise OptionError(f"environment variables {', '.join(long)} are longer than SageMaker's 1024 characters")
    return env
