"""A STAND-IN for the SageMaker runtime API (InvokeEndpoint) on 127.0.0.1, forwarding to real servers.

SageMaker's runtime cannot run here, and moto's answers InvokeEndpoint with a canned body without
running anything (testing-real-parts.md §2.1). This stand-in does what the real service does
between a client and a model container, for the parts a vetiver client depends on:

* it takes ``POST /endpoints/<name>/invocations`` signed with SigV4 for the ``sagemaker`` service
  (a request without a well-formed ``AWS4-HMAC-SHA256`` Authorization header for that service and
  region, or without ``X-Amz-Date``, is refused as the real service refuses it);
* it forwards the body with only the headers InvokeEndpoint defines (``Content-Type``, ``Accept``,
  ``X-Amzn-SageMaker-Custom-Attributes``) to the container's ``/invocations``;
* a container answering non-2xx becomes ``ModelError`` (HTTP 424) carrying ``OriginalStatusCode``
  and ``OriginalMessage``; an unknown endpoint ``ValidationError`` "Endpoint ... not found."; and
  :meth:`throttle` makes the next requests ``ThrottlingException``, in the rest-json error shape
  botocore parses (``x-amzn-ErrorType`` header and a JSON body).

Calibrated with boto3's ``sagemaker-runtime`` client, which is what the tests drive it with.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field

ACCOUNT = "123456789012"
_PATH = re.compile(r"^/endpoints/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})/invocations$")
_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=[^/]+/\d{8}/(?P<region>[a-z0-9-]+)/(?P<service>[a-z0-9-]+)/aws4_request, "
    r"SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=[0-9a-f]{64}$"
)
_FORWARDED = ("content-type", "accept", "x-amzn-sagemaker-custom-attributes")


@dataclass
class SageMakerRuntimeStandIn:
    """The stand-in server. ``endpoints`` maps endpoint names to the base URL of the container
    serving each (``http://127.0.0.1:PORT``)."""

    region: str = "us-east-1"
    endpoints: dict[str, str] = field(default_factory=dict)
    received: list[dict] = field(default_factory=list)
    _throttled: int = 0

    def __post_init__(self) -> None:
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                stand_in._invoke(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def throttle(self, requests: int) -> None:
        """Answer the next ``requests`` calls with ``ThrottlingException``."""
        self._throttled = requests

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the service ------------------------------------------------------------------------------

    def _invoke(self, request: http.server.BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.received.append({"path": request.path, "headers": headers, "body": body})
        auth = _AUTH.match(headers.get("authorization", ""))
        if auth is None or "x-amz-date" not in headers or auth["service"] != "sagemaker" \
                or auth["region"] != self.region or not {"host", "x-amz-date"} <= set(auth["signed"].split(";")):  # fmt: skip
            return _error(request, 403, "InvalidSignatureException", "The request signature is not valid SigV4 "
                          f"for sagemaker in {self.region}.")  # fmt: skip
        match = _PATH.match(request.path)
        if match is None:
            return _error(request, 404, "UnknownOperationException", f"No operation at {request.path}")
        name = match.group(1)
        if self._throttled > 0:
            self._throttled -= 1
            return _error(request, 400, "ThrottlingException", "Rate exceeded")
        if name not in self.endpoints:
            return _error(request, 400, "ValidationError", f"Endpoint {name} of account {ACCOUNT} not found.")
        forward = urllib.request.Request(f"{self.endpoints[name]}/invocations", data=body, method="POST",
                                         headers={k: v for k, v in headers.items() if k in _FORWARDED})  # fmt: skip
        try:
            with urllib.request.urlopen(forward, timeout=60) as answer:  # SageMaker's 60 s invocation limit
                payload, content_type = answer.read(), answer.headers.get("Content-Type", "application/json")
        except urllib.error.HTTPError as failed:
            original = failed.read().decode("utf-8", errors="replace")
            message = (f'Received client error ({failed.code}) from primary with message "{original}". See '
                       f"https://{self.region}.console.aws.amazon.com/cloudwatch/home?region={self.region}"
                       f"#logEventViewer:group=/aws/sagemaker/Endpoints/{name} in account {ACCOUNT} for more "
                       "information.")  # fmt: skip
            return _error(request, 424, "ModelError", message, OriginalStatusCode=failed.code, OriginalMessage=original,
                          LogStreamArn=f"arn:aws:logs:{self.region}:{ACCOUNT}:log-group:/aws/sagemaker/Endpoints/{name}")  # fmt: skip
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        request.send_header("x-Amzn-Invoked-Production-Variant", "AllTraffic")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)


def _error(request: http.server.BaseHTTPRequestHandler, status: int, code: str, message: str, **fields: object) -> None:
    body = json.dumps({"message": message, **fields}).encode()
    request.send_response(status)
    request.send_header("x-amzn-ErrorType", f"{code}:http://internal.amazon.com/coral/com.amazon.sagemaker.runtime/")
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)
