"""``SageMakerEndpoint``: a deployed endpoint that ``vetiver.predict(endpoint, data)`` accepts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import EndpointNotFoundError, ModelError, SageMakerError, ThrottlingError, error_code, error_message


@dataclass(frozen=True)
class Deployment:
    """What a deploy created or changed (attached to the endpoint :func:`deploy_sagemaker` returns).

    Attributes:
        model_name: The new SageMaker model.
        config_name: The endpoint configuration now in service.
        variant_name: The production variant serving the new model.
        image_uri: The image the model runs.
        model_data_url: The ``ModelDataUrl`` tarball, when the pin ships through ``/opt/ml/model``.
        deleted: Models and configurations removed after a ``replace``.
    """

    model_name: str
    config_name: str
    variant_name: str
    image_uri: str
    model_data_url: str | None = None
    deleted: tuple[str, ...] = ()


class SageMakerEndpoint:
    """A SageMaker endpoint serving a vetiver model, called through the runtime's InvokeEndpoint.

    ``vetiver.predict(SageMakerEndpoint("cars"), data)`` sends ``data`` as JSON (what the
    ``sagemaker`` serving runtime reads at ``/invocations``) and returns the predictions as a
    DataFrame, as for a URL.

    Args:
        endpoint_name: The endpoint's name.
        region: Its AWS region; the session's when None.
        session: A ``boto3.Session``; the default session when None.
        endpoint_url: The runtime API's URL, for VPC endpoints (``AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME``
            works too).
        target_variant: Send every request to this production variant (``TargetVariant``), e.g.
            to try a variant added at weight 0 before shifting traffic to it.
    """

    def __init__(
        self,
        endpoint_name: str,
        region: str | None = None,
        *,
        session: Any = None,
        endpoint_url: str | None = None,
        target_variant: str | None = None,
    ) -> None:
        self.endpoint_name = endpoint_name
        self.region = region
        self.session = session
        self.endpoint_url = endpoint_url
        self.target_variant = target_variant
        self.deployment: Deployment | None = None
        self._client: Any = None

    def __repr__(self) -> str:
        region = f", region={self.region!r}" if self.region else ""
        return f"SageMakerEndpoint({self.endpoint_name!r}{region})"

    def __str__(self) -> str:
        return self.endpoint_name

    @property
    def client(self) -> Any:
        """The ``sagemaker-runtime`` boto3 client."""
        if self._client is None:
            from .aws import Aws

            aws = Aws(self.region, self.session, self.endpoint_url)
            self.region = aws.region
            self._client = aws.client("sagemaker-runtime")
        return self._client

    def invoke(self, body: bytes, content_type: str = "application/json", accept: str = "application/json",
               **params: Any) -> tuple[bytes, str]:  # fmt: skip
        """InvokeEndpoint with a raw body; returns the response body and its content type."""
        from botocore.exceptions import BotoCoreError, ClientError

        if self.target_variant:
            params.setdefault("TargetVariant", self.target_variant)
        try:
            answer = self.client.invoke_endpoint(EndpointName=self.endpoint_name, Body=body, ContentType=content_type,
                                                 Accept=accept, **params)  # fmt: skip
        except ClientError as error:
            raise self._error(error) from error
        except BotoCoreError as error:
            raise SageMakerError(f"InvokeEndpoint on {self.endpoint_name} failed: {error}") from error
        return answer["Body"].read(), answer.get("ContentType", "")

    def predict(self, data: Any, **params: Any) -> Any:
        """Predictions for ``data`` (a DataFrame, a Series or dict for one row, or a list of rows)
        as a DataFrame. ``params`` go to InvokeEndpoint (``CustomAttributes``, ``TargetVariant``...).

        Raises:
            ModelError: the model container answered with an error (bad input included; the
                message is the container's).
            EndpointNotFoundError: no endpoint of that name in the region.
            ThrottlingError: SageMaker still throttled the call after botocore's retries.
        """
        import orjson
        import pandas as pd

        from vetiver.serving.client import json_body

        content, _ = self.invoke(json_body(data), **params)
        try:
            return pd.DataFrame.from_dict(orjson.loads(content))
        except (orjson.JSONDecodeError, ValueError, TypeError) as error:
            raise SageMakerError(f"endpoint {self.endpoint_name} answered something that is not vetiver's JSON: "
                                 f"{content[:200]!r}") from error  # fmt: skip

    def _error(self, error: Exception) -> SageMakerError:
        code, message = error_code(error), error_message(error)
        response = getattr(error, "response", {}) or {}
        if code == "ModelError":
            status = response.get("OriginalStatusCode")
            detail = _container_detail(response.get("OriginalMessage")) or message
            return ModelError(f"the model on endpoint {self.endpoint_name} answered {status or 'an error'}: {detail}")
        if code in ("ValidationError", "ValidationException") and "not found" in message.lower():
            return EndpointNotFoundError(f"no SageMaker endpoint {self.endpoint_name!r} in {self.region}: {message}")
        if code in ("ThrottlingException", "Throttling", "TooManyRequestsException"):
            return ThrottlingError(
                f"SageMaker throttled InvokeEndpoint on {self.endpoint_name} after retries ({message}); "
                "send fewer requests per second or ask AWS to raise the quota"
            )
        return SageMakerError(
            f"InvokeEndpoint on {self.endpoint_name} failed ({code or type(error).__name__}): {message}"
        )


def _container_detail(original: Any) -> str:
    """vetiver's ``detail`` from the container's error body, else the body as text."""
    if not original:
        return ""
    try:
        import orjson

        detail = orjson.loads(original).get("detail")
    except (ValueError, AttributeError, TypeError):
        return str(original)[:500]
    if isinstance(detail, list):
        return "; ".join(str(item.get("message", item)) if isinstance(item, dict) else str(item) for item in detail)
    return str(detail) if detail else str(original)[:500]
