"""``vetiver deploy sagemaker`` and ``vetiver prepare sagemaker`` as a user runs them, against moto."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from tests.plugins.sagemaker.conftest import REGION

pytestmark = pytest.mark.s3

VETIVER = str(Path(sys.executable).parent / "vetiver")


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [VETIVER, *args], capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}
    )


def test_deploy_prints_the_endpoint_and_creates_it(s3_pinned, aws_env, role_arn):
    result = run("deploy", "sagemaker", s3_pinned.url, "cars", "--instance-type", "ml.t2.medium", "--role", role_arn,
                 "--image-uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/vetiver-cars:1",
                 "--endpoint-url", aws_env, "--region", REGION, "--allow-pickle",
                 "--tags", "team=ml,cost-center=42",
                 env={"AWS_ENDPOINT_URL": aws_env})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "cars"
    assert "endpoint cars: InService" in result.stderr
    sm = boto3.client("sagemaker", endpoint_url=aws_env, region_name=REGION)
    config = sm.describe_endpoint_config(
        EndpointConfigName=sm.describe_endpoint(EndpointName="cars")["EndpointConfigName"]
    )
    assert config["ProductionVariants"][0]["InstanceType"] == "ml.t2.medium"


def test_errors_are_one_line(folder_pinned, aws_env, tmp_path):
    result = run("deploy", "sagemaker", folder_pinned.url, "cars", "--instance-type", "ml.t2.medium",
                 "--image-uri", "img", "--endpoint-url", aws_env, "--region", REGION)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("vetiver: error: pin 'cars' is on a board on this machine")
    assert len(result.stderr.strip().splitlines()) == 1

    result = run("deploy", "sagemaker", folder_pinned.url, "cars", "--serverless", "memory_size_in_mb=1000",
                 "--image-uri", "img", "--model-data", "s3://b/p", "--endpoint-url", aws_env, "--region", REGION)  # fmt: skip
    assert result.returncode == 1 and "1024, 2048" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_prepare_writes_a_sagemaker_build_context(folder_pinned, tmp_path):
    result = run("prepare", "sagemaker", folder_pinned.url, "cars", "--path", str(tmp_path / "ctx"),
                 "--model-data", "true", "--allow-pickle")  # fmt: skip
    assert result.returncode == 0, result.stderr
    dockerfile = (tmp_path / "ctx" / "Dockerfile").read_text()
    assert "VETIVER_RUNTIME=sagemaker" in dockerfile and "VETIVER_BOARD=/opt/ml/model" in dockerfile
    assert dockerfile.rstrip().endswith("USER 0:0")
    assert "com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true" in dockerfile
    assert not (tmp_path / "ctx" / "board").exists()  # SageMaker hands the model over; none is baked in
    assert "vetiver-sagemaker==" in (tmp_path / "ctx" / "vetiver_requirements.txt").read_text()
