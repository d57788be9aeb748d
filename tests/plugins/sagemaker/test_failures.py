"""What moto cannot show (it reports InService at once and allows everything): endpoints that fail,
updates SageMaker rolls back, denied permissions and throttling, through botocore's Stubber on real
clients, with the responses SageMaker's API model defines (the Stubber validates them against it)."""

from __future__ import annotations

import io

import boto3
import pytest
from botocore.stub import Stubber

from vetiver_sagemaker.aws import Aws
from vetiver_sagemaker.errors import (
    AwsPermissionError,
    DeploymentFailedError,
    RollbackError,
    ThrottlingError,
    WaitTimeoutError,
)
from vetiver_sagemaker.waiting import wait_for_endpoint

ARN = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/cars"


class FakeClock:
    """Time that advances only when the code under test sleeps (no real waiting in tests)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client(service: str = "sagemaker"):
    return boto3.client(service, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def described(status: str, config: str = "cars-config-new", reason: str | None = None) -> dict:
    import datetime

    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
    answer = {"EndpointName": "cars", "EndpointArn": ARN, "EndpointConfigName": config, "EndpointStatus": status,
              "CreationTime": now, "LastModifiedTime": now}  # fmt: skip
    if reason:
        answer["FailureReason"] = reason
    return answer


def wait(sm, clock: FakeClock, **options):
    out = io.StringIO()
    try:
        return wait_for_endpoint(sm, "cars", "cars-config-new", poll=15, progress=out, sleep=clock.sleep, clock=clock,
                                 **options)  # fmt: skip
    finally:
        wait.output = out.getvalue()


def test_waits_through_creating_and_reports_progress():
    sm, clock = client(), FakeClock()
    with Stubber(sm) as stub:
        for status in ("Creating", "Creating", "InService"):
            stub.add_response("describe_endpoint", described(status), {"EndpointName": "cars"})
        assert wait(sm, clock)["EndpointStatus"] == "InService"
        stub.assert_no_pending_responses()
    assert clock.sleeps == [15, 15]
    assert wait.output.splitlines() == ["endpoint cars: Creating (0 s)", "endpoint cars: InService (30 s)"]


def test_failed_endpoint_raises_with_the_failure_reason():
    sm, clock = client(), FakeClock()
    reason = "The primary container for production variant AllTraffic did not pass the ping health check."
    with Stubber(sm) as stub:
        stub.add_response("describe_endpoint", described("Creating"), {"EndpointName": "cars"})
        stub.add_response("describe_endpoint", described("Failed", reason=reason), {"EndpointName": "cars"})
        with pytest.raises(DeploymentFailedError, match="did not pass the ping health check"):
            wait(sm, clock)


def test_an_update_rolled_back_to_the_old_config_is_reported():
    sm, clock = client(), FakeClock()
    with Stubber(sm) as stub:
        stub.add_response("describe_endpoint", described("Updating", "cars-config-old"), {"EndpointName": "cars"})
        stub.add_response("describe_endpoint", described("RollingBack", "cars-config-old"), {"EndpointName": "cars"})
        stub.add_response("describe_endpoint", described("InService", "cars-config-old", "health check failed"),
                          {"EndpointName": "cars"})  # fmt: skip
        with pytest.raises(RollbackError, match=r"still on configuration cars-config-old.*rolled the update back"):
            wait(sm, clock, updating=True)


def test_an_update_is_not_judged_in_its_first_seconds():
    # Just after UpdateEndpoint, DescribeEndpoint may still show the old config InService.
    sm, clock = client(), FakeClock()
    with Stubber(sm) as stub:
        stub.add_response("describe_endpoint", described("InService", "cars-config-old"), {"EndpointName": "cars"})
        stub.add_response("describe_endpoint", described("Updating", "cars-config-old"), {"EndpointName": "cars"})
        stub.add_response("describe_endpoint", described("InService"), {"EndpointName": "cars"})
        assert wait(sm, clock, updating=True)["EndpointConfigName"] == "cars-config-new"


def test_a_wait_past_its_timeout_says_it_may_still_finish():
    sm, clock = client(), FakeClock()
    with Stubber(sm) as stub:
        for _ in range(3):
            stub.add_response("describe_endpoint", described("Creating"), {"EndpointName": "cars"})
        with pytest.raises(WaitTimeoutError, match="may still come into service"):
            wait(sm, clock, timeout=30)


def test_access_denied_names_the_missing_permission():
    aws = Aws("us-east-1", boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing"))
    sm = aws.client("sagemaker")
    with Stubber(sm) as stub:
        stub.add_client_error("create_model", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/me is "
                              "not authorized to perform: sagemaker:CreateModel", http_status_code=400)  # fmt: skip
        with pytest.raises(AwsPermissionError, match="needs the sagemaker:CreateModel permission"):
            aws.call("sagemaker", "create_model", ModelName="m", ExecutionRoleArn="arn:aws:iam::123456789012:role/r",
                     PrimaryContainer={"Image": "i"})  # fmt: skip


def test_throttling_after_retries_is_a_clear_error():
    aws = Aws("us-east-1", boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing"))
    ecr = aws.client("ecr")
    with Stubber(ecr) as stub:
        stub.add_client_error("get_authorization_token", "ThrottlingException", "Rate exceeded", http_status_code=400)
        with pytest.raises(ThrottlingError, match="ecr:GetAuthorizationToken was throttled"):
            aws.call("ecr", "get_authorization_token")


def test_no_region_is_a_clear_error(monkeypatch):
    from vetiver_sagemaker.errors import SageMakerError

    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    with pytest.raises(SageMakerError, match="no AWS region"):
        Aws()
