"""Pinned scikit-learn models on folder and S3 (moto) boards, AWS clients on moto's server, and a
recorder of the exact requests boto3 sends."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pins
import pytest
from sklearn.linear_model import LinearRegression

import vetiver
from tests.plugins.sagemaker.moto_sagemaker import moto_endpoint, reset_deploy_state  # noqa: F401 - overrides

NAME = "cars"
REGION = "us-east-1"
ROLE_POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",'
    ' "Principal": {"Service": "sagemaker.amazonaws.com"}}]}'
)


def fitted(seed: int) -> vetiver.VetiverModel:
    X, y = vetiver.get_mock_data(seed=seed)
    return vetiver.VetiverModel(LinearRegression().fit(X, y), NAME, prototype_data=X)


@dataclass
class Pinned:
    """A board holding two versions of one pin, oldest first, and rows to predict."""

    board: Any
    url: str
    versions: list[str]
    models: list[vetiver.VetiverModel]
    rows: pd.DataFrame
    name: str = NAME


def pin_two_versions(board: Any, url: str) -> Pinned:
    models = [fitted(1), fitted(2)]
    versions = [vetiver.vetiver_pin_write(board, model).version.version for model in models]
    rows, _ = vetiver.get_mock_data(seed=9)
    return Pinned(board, url, versions, models, rows.head(5))


@pytest.fixture
def folder_pinned(tmp_path) -> Pinned:
    path = tmp_path / "board"
    return pin_two_versions(pins.board_folder(str(path), allow_pickle_read=True), str(path))


@pytest.fixture(scope="module")
def aws_module_env(moto_endpoint, tmp_path_factory) -> Iterator[str]:  # noqa: F811 - the fixture imported above
    """moto's endpoint URL, with test credentials, region and a private pins cache in the environment."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.setenv("PINS_CACHE_DIR", str(tmp_path_factory.mktemp("pins-cache")))
        yield moto_endpoint


@pytest.fixture
def aws_env(aws_module_env) -> str:
    """moto's endpoint URL; its SageMaker, ECR and autoscaling state is reset first, so each test
    starts from an account without endpoints (S3 and IAM stay: boards are written once per module)."""
    reset_deploy_state()
    return aws_module_env


@pytest.fixture(scope="module")
def s3_pinned(aws_module_env) -> Pinned:
    """Two pin versions on an S3 board in moto (one bucket per test module)."""
    import boto3

    bucket = f"pins-{time.monotonic_ns()}"
    boto3.client("s3", endpoint_url=aws_module_env, region_name=REGION).create_bucket(Bucket=bucket)
    board = vetiver.board(f"s3://{bucket}/models", allow_pickle_read=True, endpoint_url=aws_module_env)
    return pin_two_versions(board, f"s3://{bucket}/models")


@dataclass
class Recorder:
    """Every request a boto3 session's clients make, as (service, operation, params): what the
    code under test handed the real client (botocore validates and sends them to moto)."""

    calls: list[tuple[str, str, dict]] = field(default_factory=list)

    def __call__(self, params: dict, model: Any, **kwargs: Any) -> None:
        self.calls.append((model.service_model.service_name, model.name, params))

    def of(self, operation: str) -> list[dict]:
        return [params for _, name, params in self.calls if name == operation]

    def operations(self, service: str = "sagemaker") -> list[str]:
        return [name for svc, name, _ in self.calls if svc == service]


@pytest.fixture
def session(aws_env):
    """A boto3 session whose requests are recorded (``session.recorder``)."""
    import boto3

    session = boto3.Session(region_name=REGION)
    recorder = Recorder()
    session.events.register("provide-client-params", recorder)
    session.recorder = recorder
    return session


@pytest.fixture
def role_arn(aws_env) -> str:
    """An execution role SageMaker could assume, made in moto's IAM."""
    import boto3

    iam = boto3.client("iam", endpoint_url=aws_env, region_name=REGION)
    try:
        return iam.create_role(RoleName="vetiver-sm", AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:
        return iam.get_role(RoleName="vetiver-sm")["Role"]["Arn"]


def sagemaker(session, endpoint_url: str):
    return session.client("sagemaker", endpoint_url=endpoint_url)


def tags_of(session, endpoint_url: str, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in sagemaker(session, endpoint_url).list_tags(ResourceArn=arn)["Tags"]}


@pytest.fixture
def image_uri() -> str:
    return "123456789012.dkr.ecr.us-east-1.amazonaws.com/vetiver-cars:1"
