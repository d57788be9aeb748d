"""Exceptions of the SageMaker plugin; each derives from :class:`vetiver.errors.VetiverError`."""

from __future__ import annotations

from typing import Any

from vetiver.errors import VetiverError


class SageMakerError(VetiverError):
    """A SageMaker, ECR, S3 or IAM call failed; the message says which and why."""


class AwsPermissionError(SageMakerError, PermissionError):
    """The caller's AWS identity lacks a permission (the message names the action)."""


class RoleError(SageMakerError, ValueError):
    """No execution role was given or found, or it is not a role SageMaker can assume."""


class EndpointExistsError(SageMakerError, FileExistsError):
    """``mode="create"`` for an endpoint name that is already taken."""


class EndpointNotFoundError(SageMakerError, LookupError):
    """No endpoint of that name in the account and region."""


class DeploymentFailedError(SageMakerError):
    """The endpoint went to ``Failed``; the message carries SageMaker's ``FailureReason``."""


class RollbackError(SageMakerError):
    """An update did not take: the endpoint is ``InService`` on its previous configuration."""


class WaitTimeoutError(SageMakerError, TimeoutError):
    """The endpoint did not reach ``InService`` in time; it may still get there."""


class ModelError(SageMakerError):
    """The model container answered InvokeEndpoint with an error (SageMaker's ``ModelError``)."""


class ThrottlingError(SageMakerError):
    """SageMaker throttled the request after botocore's retries; slow down or raise the quota."""


class UnreachableBoardError(SageMakerError, ValueError):
    """A board the container cannot read (a folder on this machine), without ``/opt/ml/model``."""


class ImagePushError(SageMakerError):
    """Logging in to ECR or pushing the image failed."""


_PERMISSION_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException",
                               "InvalidClientTokenId", "ExpiredTokenException", "NotAuthorized"})  # fmt: skip
_THROTTLING_CODES = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"})


def error_code(error: Any) -> str:
    """The AWS error code of a botocore ``ClientError`` (``""`` for anything else)."""
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def error_message(error: Any) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Message", "")) or str(error)


def translate(error: Exception, action: str) -> SageMakerError:
    """A botocore error from ``action`` (``"sagemaker:CreateModel"``) as one of ours, naming the
    missing IAM permission when access was denied."""
    code = error_code(error)
    message = error_message(error)
    if code in _PERMISSION_CODES:
        return AwsPermissionError(
            f"{action} was denied ({code}: {message}); the AWS identity deploying needs the {action} permission "
            "(see the IAM section of the vetiver-sagemaker docs)"
        )
    if code in _THROTTLING_CODES:
        return ThrottlingError(f"{action} was throttled by AWS ({message}); retry later or raise the account quota")
    if "role" in message.lower() and code == "ValidationException":
        return RoleError(f"{action}: {message}; pass role= an IAM role ARN SageMaker can assume")
    if not code:  # no answer at all: no credentials, no network
        return SageMakerError(f"{action} failed: {type(error).__name__}: {message}")
    return SageMakerError(f"{action} failed ({code}): {message}")
