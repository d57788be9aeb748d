"""The data plane for real: ``deploy_sagemaker`` builds the image with a real Docker engine and pushes
it to a loopback registry standing in for ECR (ECR itself is unreachable, and moto's ECR is API
only); moto records the SageMaker model. The image is then pulled back and run the way SageMaker
runs it (``docker run IMAGE serve`` with the model's environment), once reading the S3 board from
moto and once from ``/opt/ml/model`` unpacked from the ``ModelDataUrl`` tarball, and checked
against the container contract (contract.py), through the runtime API stand-in too.

One image build per session. Where no engine can start, the tier is skipped with the reason.
"""

from __future__ import annotations

import io
import json
import tarfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

import vetiver
from tests.plugins.sagemaker import contract
from tests.plugins.sagemaker.conftest import REGION, ROLE_POLICY, Pinned
from tests.support.docker_engine import DockerTestbed, docker_testbed, free_port  # noqa: F401 - a fixture
from tests.support.registry import loopback_registry  # noqa: F401 - a fixture
from tests.support.sagemaker_runtime import SageMakerRuntimeStandIn
from vetiver_sagemaker import SageMakerEndpoint, deploy_sagemaker

pytestmark = [pytest.mark.docker, pytest.mark.s3, pytest.mark.slow]


@dataclass
class Deployed:
    testbed: DockerTestbed
    pinned: Pinned
    moto: str
    image: str
    model: dict  # DescribeModel of what deploy_sagemaker created
    build_seconds: float

    def docker(self, *args: str, check: bool = True):
        return self.testbed.engine.docker(*args, check=check)

    def expected(self) -> list[float]:
        newest = vetiver.VetiverModel.from_pin(self.pinned.board, self.pinned.name)
        return newest.model.predict(self.pinned.rows).tolist()


@pytest.fixture(scope="module")
def deployed(docker_testbed, loopback_registry, s3_pinned, aws_module_env, tmp_path_factory) -> Iterator[Deployed]:  # noqa: F811
    """Deploy the S3 pin with the image built here and pushed to the loopback registry."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DOCKER_HOST", docker_testbed.engine.env["DOCKER_HOST"])
        patch.setenv("DOCKER_BUILDKIT", "0")
        patch.setenv("VETIVER_CACHE_DIR", str(tmp_path_factory.mktemp("vetiver-cache")))
        # The build's only package index is the loopback wheelhouse: fill it with what the context pins.
        context = vetiver.prepare("sagemaker", s3_pinned.board, s3_pinned.name, tmp_path_factory.mktemp("ctx"))
        docker_testbed.wheelhouse.add(context / "vetiver_requirements.txt")

        iam = boto3.client("iam", endpoint_url=aws_module_env, region_name=REGION)
        role = iam.create_role(RoleName=f"sm-{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument=ROLE_POLICY)["Role"]
        started = time.monotonic()
        # A name of its own: moto's state is shared with the control-plane tests that made "cars".
        endpoint = deploy_sagemaker(s3_pinned.board, s3_pinned.name, "ml.m5.large", role=role["Arn"],
                                    endpoint_name=f"cars-{uuid.uuid4().hex[:6]}", repo_name="vetiver-cars", registry=loopback_registry, network="host", endpoint_url=aws_module_env,
                                    region=REGION)  # fmt: skip
        seconds = time.monotonic() - started
        sm = boto3.client("sagemaker", endpoint_url=aws_module_env, region_name=REGION)
        model = sm.describe_model(ModelName=endpoint.deployment.model_name)
        yield Deployed(docker_testbed, s3_pinned, aws_module_env, endpoint.deployment.image_uri, model, seconds)


@pytest.fixture
def run_as_sagemaker(deployed: Deployed) -> Iterator:
    """``docker run IMAGE serve`` with the model's environment, on a free loopback port given as
    SAGEMAKER_BIND_TO_PORT (host networking: the engine has no bridge)."""
    names: list[str] = []

    def run(*, env: dict[str, str], volume: Path | None = None) -> tuple[str, int]:
        name, port = f"vetiver-sm-{uuid.uuid4().hex[:8]}", free_port()
        options = [f"--env={k}={v}" for k, v in {**env, "SAGEMAKER_BIND_TO_PORT": str(port)}.items()]
        if volume is not None:
            options.append(f"--volume={volume}:/opt/ml/model:ro")
        deployed.docker("run", "--detach", "--name", name, "--network", "host", *options, deployed.image, "serve")
        names.append(name)
        return name, port

    yield run
    for name in names:
        deployed.docker("rm", "--force", name, check=False)


def running(deployed: Deployed, name: str) -> bool:
    return json.loads(deployed.docker("inspect", "--format", "{{json .State}}", name).stdout)["Running"]


def exit_code(deployed: Deployed, name: str) -> int | None:
    state = json.loads(deployed.docker("inspect", "--format", "{{json .State}}", name).stdout)
    return None if state["Running"] else state["ExitCode"]


def check_container(deployed: Deployed, name: str, port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    try:
        contract.wait_for_ping(base, lambda: running(deployed, name), timeout=240)  # SageMaker's 4 minutes
    except BaseException:
        print(deployed.docker("logs", name, check=False).stderr[-3000:])
        raise
    contract.check_ping(base)
    expected = deployed.expected()
    contract.check_invocations(base, deployed.pinned.rows, expected)
    contract.check_bad_requests(base, deployed.pinned.rows)

    stand_in = SageMakerRuntimeStandIn(endpoints={"cars": base})
    try:
        predicted = vetiver.predict(SageMakerEndpoint("cars", REGION, endpoint_url=stand_in.url), deployed.pinned.rows)
        assert predicted["predict"].tolist() == pytest.approx(expected)
    finally:
        stand_in.close()

    seconds = contract.check_drain("127.0.0.1", port, deployed.pinned.rows,
                                   lambda: deployed.docker("kill", "--signal", "TERM", name),
                                   lambda: exit_code(deployed, name), expected)  # fmt: skip
    assert seconds < 30


def test_the_image_was_pushed_and_is_what_sagemaker_expects(deployed: Deployed, loopback_registry):  # noqa: F811
    assert deployed.image.startswith(f"{loopback_registry}/vetiver-cars:")
    container = deployed.model["PrimaryContainer"]
    assert container["Image"] == deployed.image and container["ImageConfig"] == {"RepositoryAccessMode": "Vpc"}
    deployed.docker("rmi", deployed.image)
    deployed.docker("pull", deployed.image)  # from the registry it was pushed to
    config = json.loads(deployed.docker("image", "inspect", "--format", "{{json .Config}}", deployed.image).stdout)
    assert config["User"] == "0:0"
    assert config["Labels"]["com.amazonaws.sagemaker.capabilities.accept-bind-to-port"] == "true"
    assert "VETIVER_RUNTIME=sagemaker" in config["Env"]
    print(f"\nSageMaker image built and pushed in {deployed.build_seconds:.0f} s")


def test_serves_the_s3_board_named_in_its_environment(deployed: Deployed, run_as_sagemaker):
    env = dict(deployed.model["PrimaryContainer"]["Environment"])
    assert env["VETIVER_BOARD"] == deployed.pinned.url
    # In SageMaker the execution role supplies credentials; here moto's test ones and its URL.
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION,
               AWS_ENDPOINT_URL=deployed.moto)  # fmt: skip
    name, port = run_as_sagemaker(env=env)
    check_container(deployed, name, port)


def test_serves_the_pin_unpacked_into_opt_ml_model(deployed: Deployed, run_as_sagemaker, tmp_path):
    s3 = boto3.client("s3", endpoint_url=deployed.moto, region_name=REGION)
    s3.create_bucket(Bucket="model-artifacts")
    endpoint = deploy_sagemaker(deployed.pinned.board, deployed.pinned.name, "ml.m5.large", endpoint_name="cars-opt",
                                role=deployed.model["ExecutionRoleArn"], image_uri=deployed.image,
                                model_data="s3://model-artifacts/vetiver", endpoint_url=deployed.moto,
                                region=REGION)  # fmt: skip
    sm = boto3.client("sagemaker", endpoint_url=deployed.moto, region_name=REGION)
    model = sm.describe_model(ModelName=endpoint.deployment.model_name)["PrimaryContainer"]
    # What SageMaker does before starting the container: unpack ModelDataUrl into /opt/ml/model.
    bucket, key = model["ModelDataUrl"][5:].split("/", 1)
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body)) as archive:
        archive.extractall(tmp_path / "model", filter="data")
    (tmp_path / "model").chmod(0o755)
    name, port = run_as_sagemaker(env=model["Environment"], volume=tmp_path / "model")
    assert model["Environment"]["VETIVER_BOARD"] == "/opt/ml/model"
    check_container(deployed, name, port)


def test_ecr_token_login_and_push_against_the_loopback_registry(deployed: Deployed, loopback_registry):  # noqa: F811
    from vetiver_sagemaker.aws import Aws
    from vetiver_sagemaker.registry import RegistryLogin, ecr_login, ensure_repository, push_image

    aws = Aws(REGION, endpoint_url=deployed.moto)
    uri = ensure_repository(aws, "vetiver-cars")
    assert uri.endswith(".amazonaws.com/vetiver-cars") and ensure_repository(aws, "vetiver-cars") == uri  # idempotent
    token = ecr_login(aws)  # moto's real token format: base64 "AWS:<password>"
    assert token.username == "AWS" and token.registry.endswith(".amazonaws.com")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DOCKER_HOST", deployed.testbed.engine.env["DOCKER_HOST"])
        patch.setenv("DOCKER_CONFIG", str(Path(deployed.testbed.engine.folder) / "docker-config"))
        # The same login and push, aimed at the loopback registry instead of ECR's host.
        pushed = push_image(deployed.image, f"{loopback_registry}/ecr-standin", "1",
                            login=RegistryLogin(token.username, token.password, loopback_registry))  # fmt: skip
    assert pushed == f"{loopback_registry}/ecr-standin:1"
    deployed.docker("pull", pushed)
