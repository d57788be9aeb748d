"""AWS clients for one region, and calls whose failures become this plugin's errors.

boto3 is imported here, inside functions, so importing vetiver or this plugin stays light.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import SageMakerError, translate


@dataclass
class Aws:
    """boto3 clients of one session and region, made on first use.

    Args:
        region: The AWS region; the session's configured region when None.
        session: A ``boto3.Session`` (profiles, assumed roles); a default session when None.
        endpoint_url: One endpoint for every service: for moto's server or a VPC endpoint.
            Service-specific ``AWS_ENDPOINT_URL_<SERVICE>`` variables work too (botocore reads
            them).
    """

    region: str | None = None
    session: Any = None
    endpoint_url: str | None = None
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.session is None:
            import boto3

            self.session = boto3.Session(region_name=self.region)
        self.region = self.region or self.session.region_name
        if not self.region:
            raise SageMakerError(
                "no AWS region: pass region= (CLI: --region) or set AWS_DEFAULT_REGION or a profile's region"
            )

    def client(self, service: str) -> Any:
        """The boto3 client for ``service`` (``"sagemaker"``, ``"ecr"``, ``"s3"``...)."""
        if service not in self._clients:
            self._clients[service] = self.session.client(service, region_name=self.region,
                                                         endpoint_url=self.endpoint_url)  # fmt: skip
        return self._clients[service]

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """``client(service).<operation>(**params)``; AWS errors become :class:`SageMakerError`
        subclasses naming the IAM action (``sagemaker:CreateModel``)."""
        return call(self.client(service), operation, **params)


def call(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    """One API call with this plugin's error translation (``operation`` is the snake_case method)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return getattr(client, operation)(**params)
    except ClientError as error:
        raise translate(error, iam_action(client, operation)) from error
    except BotoCoreError as error:  # no credentials, no connection, bad parameters
        raise SageMakerError(f"{iam_action(client, operation)} failed: {error}") from error


def iam_action(client: Any, operation: str) -> str:
    """The IAM action of a client method: ``sagemaker:CreateModel`` for ``create_model``."""
    prefix = client.meta.service_model.signing_name
    return f"{prefix}:{''.join(part.capitalize() for part in operation.split('_'))}"


def is_not_found(error: BaseException) -> bool:
    """Whether a translated error says the resource does not exist (SageMaker says it with a
    ``ValidationException`` 'Could not find ...')."""
    cause = error.__cause__
    from .errors import error_code, error_message

    message = error_message(cause).lower() if cause is not None else ""
    return error_code(cause) in ("ValidationException", "ResourceNotFound", "ResourceNotFoundException") and (
        "could not find" in message or "not found" in message or "does not exist" in message
    )
