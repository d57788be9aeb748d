"""Waiting for an endpoint to come into service, with progress, failure reasons and rollbacks."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from .aws import call
from .errors import DeploymentFailedError, RollbackError, SageMakerError, WaitTimeoutError

POLL_SECONDS = 15.0
TIMEOUT_SECONDS = 1800.0
UPDATE_GRACE_SECONDS = 20.0
"""An update is not judged a rollback in its first seconds: DescribeEndpoint can still show the old
configuration as InService just after UpdateEndpoint."""

_IN_PROGRESS = frozenset({"Creating", "Updating", "SystemUpdating", "RollingBack", "UpdateRollbackFailed"})


def wait_for_endpoint(
    sagemaker: Any,
    endpoint_name: str,
    config_name: str,
    *,
    updating: bool = False,
    timeout: float = TIMEOUT_SECONDS,
    poll: float = POLL_SECONDS,
    progress: TextIO | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll ``DescribeEndpoint`` until the endpoint is ``InService`` on ``config_name``.

    Prints a line to ``progress`` (stderr by default) whenever the status changes and about
    once a minute while it does not. Returns the last ``DescribeEndpoint`` answer.

    Raises:
        DeploymentFailedError: the endpoint went to ``Failed`` (SageMaker's ``FailureReason``).
        RollbackError: it is ``InService`` but still on another configuration: the update was
            rolled back (an update's new instances failed their health checks, for one).
        WaitTimeoutError: ``timeout`` seconds passed; the operation may still finish.
    """
    out = progress or sys.stderr
    started = clock()
    last_status, last_line = None, started
    while True:
        described = call(sagemaker, "describe_endpoint", EndpointName=endpoint_name)
        status = described["EndpointStatus"]
        elapsed = clock() - started
        current = described.get("EndpointConfigName")
        reason = described.get("FailureReason")
        if status != last_status or clock() - last_line >= 60:
            print(f"endpoint {endpoint_name}: {status} ({elapsed:.0f} s)", file=out, flush=True)
            last_status, last_line = status, clock()
        if status == "InService":
            if current == config_name:
                return described
            if not updating or elapsed >= UPDATE_GRACE_SECONDS:
                raise RollbackError(
                    f"endpoint {endpoint_name} is InService but still on configuration {current}, not {config_name}: "
                    "SageMaker rolled the update back and the previous model keeps serving"
                    + (f" ({reason})" if reason else "; see the endpoint's CloudWatch logs for why")
                )
        elif status == "Failed":
            raise DeploymentFailedError(
                f"endpoint {endpoint_name} failed: {reason or 'SageMaker gave no FailureReason'}"
            )
        elif status not in _IN_PROGRESS:
            raise SageMakerError(f"endpoint {endpoint_name} is {status}, not coming into service"
                                 + (f": {reason}" if reason else ""))  # fmt: skip
        if elapsed >= timeout:
            raise WaitTimeoutError(
                f"endpoint {endpoint_name} is still {status} after {elapsed:.0f} s; it may still come into service "
                "(check it in the SageMaker console or with describe-endpoint)"
            )
        sleep(poll)
