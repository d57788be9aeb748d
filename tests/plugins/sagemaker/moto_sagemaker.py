"""moto's server on loopback, in this test process, with SageMaker's UpdateEndpoint added.

moto 5.2.5 implements CreateEndpoint, UpdateEndpointWeightsAndCapacities and the rest of what a
deploy calls, but not UpdateEndpoint (its server answers 500). Updating in place is what this plugin
is for, so the server runs in-process (moto's ``ThreadedMotoServer``) and gets the one missing
operation: it checks the endpoint and the configuration exist, as SageMaker does, and switches the
endpoint to the configuration's variants, which is where a successful SageMaker update ends (moto
reports every status change as done at once anyway). Everything else is moto's own; clients talk
to it over HTTP on 127.0.0.1 like to any moto server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.moto import free_port


def _add_update_endpoint() -> None:
    from moto.core.responses import ActionResult
    from moto.core.utils import utcnow
    from moto.sagemaker.exceptions import ValidationError
    from moto.sagemaker.models import FakeEndpoint, FakeEndpointConfig, SageMakerModelBackend
    from moto.sagemaker.responses import SageMakerResponse

    if hasattr(SageMakerModelBackend, "update_endpoint"):
        return  # a moto that has it

    def update_endpoint(backend: SageMakerModelBackend, endpoint_name: str, endpoint_config_name: str) -> str:
        endpoint = backend.endpoints.get(endpoint_name)
        if endpoint is None:
            arn = FakeEndpoint.arn_formatter(endpoint_name, backend.account_id, backend.region_name)
            raise ValidationError(message=f"Could not find endpoint '{arn}'.")
        try:
            config = backend.describe_endpoint_config(endpoint_config_name)
        except KeyError:
            arn = FakeEndpointConfig.arn_formatter(endpoint_config_name, backend.account_id, backend.region_name)
            raise ValidationError(message=f"Could not find endpoint_config '{arn}'.") from None
        endpoint.endpoint_config_name = endpoint_config_name
        endpoint.production_variants = endpoint._process_production_variants(config["ProductionVariants"])
        endpoint.last_modified_time = utcnow()
        return endpoint.arn

    def respond(self: SageMakerResponse) -> ActionResult:
        arn = self.sagemaker_backend.update_endpoint(self._get_param("EndpointName"),
                                                     self._get_param("EndpointConfigName"))  # fmt: skip
        return ActionResult({"EndpointArn": arn})

    SageMakerModelBackend.update_endpoint = update_endpoint
    SageMakerResponse.update_endpoint = respond


def reset_deploy_state() -> None:
    """Forget every SageMaker, ECR and Application Auto Scaling resource (S3 and IAM stay)."""
    from moto.applicationautoscaling.models import applicationautoscaling_backends
    from moto.ecr.models import ecr_backends
    from moto.sagemaker.models import sagemaker_backends

    for backends in (sagemaker_backends, ecr_backends, applicationautoscaling_backends):
        for account in backends.values():  # BackendDict.reset() would reset every service
            account.reset()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The URL of moto's server on 127.0.0.1 (S3, SageMaker, ECR, IAM, STS, autoscaling), in process."""
    pytest.importorskip("moto.server", reason="moto's server is not installed (pip install 'moto[server]')")
    from moto.server import ThreadedMotoServer

    _add_update_endpoint()
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
