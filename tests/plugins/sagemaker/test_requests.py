"""Request bodies and options, refused before any AWS call when SageMaker would refuse them."""

from __future__ import annotations

import pytest

from vetiver_sagemaker.requests import (
    NAME_LIMIT,
    OptionError,
    async_inference_config,
    check_name,
    environment,
    resource_name,
    serverless_config,
    tag_list,
    unique_name,
)


def test_names_fit_sagemaker_and_share_the_endpoint_prefix():
    long = "a" * 60
    for kind in ("model", "config"):
        name = unique_name(long, kind)
        assert len(name) <= NAME_LIMIT and check_name(name) and f"-{kind}-" in name
    assert resource_name("my_model.v2") == "my-model-v2"
    with pytest.raises(OptionError, match="at most 63"):
        check_name("bad_name")


def test_serverless_settings_accept_aws_names_and_cli_text():
    assert serverless_config({"MemorySizeInMB": 6144, "MaxConcurrency": 200, "ProvisionedConcurrency": 2}) == {
        "MemorySizeInMB": 6144, "MaxConcurrency": 200, "ProvisionedConcurrency": 2}  # fmt: skip
    assert serverless_config("memory_size_in_mb=1024,max_concurrency=1") == {
        "MemorySizeInMB": 1024,
        "MaxConcurrency": 1,
    }
    with pytest.raises(OptionError, match="provisioned_concurrency must be between 1 and max_concurrency"):
        serverless_config({"max_concurrency": 2, "provisioned_concurrency": 3})
    with pytest.raises(OptionError, match="must be an integer"):
        serverless_config({"memory_size_in_mb": "2gb"})


def test_async_settings_need_an_s3_output_path():
    assert async_inference_config("s3://out/p") == {"OutputConfig": {"S3OutputPath": "s3://out/p"}}
    full = async_inference_config({"output_path": "s3://o", "failure_path": "s3://f", "success_topic": "arn:ok"})
    assert full["OutputConfig"] == {"S3OutputPath": "s3://o", "S3FailurePath": "s3://f",
                                    "NotificationConfig": {"SuccessTopic": "arn:ok"}}  # fmt: skip
    with pytest.raises(OptionError, match="S3 output path"):
        async_inference_config({"failure_path": "s3://f"})
    with pytest.raises(OptionError, match="S3 output path"):
        async_inference_config("/local/out")


def test_tags_and_environment_limits():
    assert tag_list({"team": "ml"}) == [{"Key": "team", "Value": "ml"}]
    assert tag_list("a=1,b=2") == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    with pytest.raises(OptionError, match="reserved prefix"):
        tag_list({"vetiver:pin_name": "x"})
    with pytest.raises(OptionError, match="16 container environment variables"):
        environment({f"K{i}": "v" for i in range(17)})
