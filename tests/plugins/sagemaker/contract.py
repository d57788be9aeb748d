"""The SageMaker container contract, checked over HTTP against a running server: the same checks
for ``vetiver serve --runtime sagemaker`` on loopback and for the image run as SageMaker runs it."""

from __future__ import annotations

import http.client
import io
import json
import signal
import time
import urllib.parse
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

PING_TIMEOUT = 2.0
"""SageMaker's per-attempt /ping timeout."""


def request(url: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 60):
    """(status, content type, body) of a GET, or a POST of ``body`` with exactly ``headers``
    (http.client adds no Content-Type of its own, as urllib would)."""
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        connection.request("GET" if body is None else "POST", parsed.path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    finally:
        connection.close()


def wait_for_ping(base: str, alive: Callable[[], bool], timeout: float = 120) -> float:
    """Poll /ping (2 s per attempt, as SageMaker does) until 200; returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            status, _, _ = request(f"{base}/ping", timeout=PING_TIMEOUT)
            if status == 200:
                return time.monotonic() - started
        except (OSError, http.client.HTTPException):  # refused, reset, timed out
            pass
        if not alive():
            pytest.fail("the server exited before /ping answered 200")
        time.sleep(0.2)
    pytest.fail(f"/ping did not answer 200 within {timeout} s")


def check_ping(base: str) -> None:
    started = time.monotonic()
    status, _, _ = request(f"{base}/ping", timeout=PING_TIMEOUT)
    assert status == 200 and time.monotonic() - started < PING_TIMEOUT


def npy(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, frame.to_numpy(), allow_pickle=False)
    return buffer.getvalue()


def check_invocations(base: str, rows: pd.DataFrame, expected: list[float]) -> None:
    """/invocations in each request type and each Accept type gives the in-process predictions."""
    url = f"{base}/invocations"
    bodies = {
        "application/json": rows.to_json(orient="records").encode(),
        "application/json; charset=utf-8": json.dumps(
            {"columns": list(rows), "data": rows.to_numpy().tolist()}
        ).encode(),
        None: rows.to_json(orient="records").encode(),  # vetiver R's client sends no Content-Type
        "application/jsonlines": rows.to_json(orient="records", lines=True).encode(),
        "text/csv": rows.to_csv(index=False).encode(),
        "text/csv; header=absent": rows.to_csv(index=False, header=False).encode(),  # prototype order
        "application/x-npy": npy(rows),
    }
    for content_type, body in bodies.items():
        headers = {"Content-Type": content_type} if content_type else {}
        status, media, answer = request(url, body, headers)
        assert status == 200, (content_type, answer)
        assert media == "application/json"
        assert json.loads(answer)["predict"] == pytest.approx(expected), content_type

    body = rows.to_csv(index=False).encode()
    status, media, answer = request(url, body, {"Content-Type": "text/csv", "Accept": "text/csv"})
    assert (status, media) == (200, "text/csv")
    lines = answer.decode().splitlines()
    assert lines[0] == "predict" and [float(v) for v in lines[1:]] == pytest.approx(expected)
    status, media, answer = request(url, body, {"Content-Type": "text/csv", "Accept": "application/jsonlines"})
    assert (status, media) == (200, "application/jsonlines")
    assert [json.loads(line)["predict"] for line in answer.decode().splitlines()] == pytest.approx(expected)


def check_bad_requests(base: str, rows: pd.DataFrame) -> None:
    """Bad input gets a clear 4xx, never a 500."""
    url = f"{base}/invocations"
    good = rows.to_json(orient="records").encode()
    cases = [
        (good, {"Content-Type": "application/xml"}, 415, "unsupported content type 'application/xml'"),
        (good, {"Accept": "image/png"}, 406, "cannot answer in 'image/png'"),
        (b"[" * (6 * 1024 * 1024 + 1), {}, 413, "6 MB"),
        (b'[{"B": "x"}]', {}, 422, "column"),
        (b"1,2\n", {"Content-Type": "text/csv"}, 422, "prototype order"),
        (b"not npy", {"Content-Type": "application/x-npy"}, 422, ".npy"),
    ]
    for body, headers, status, text in cases:
        answered, media, answer = request(url, body, headers)
        assert answered == status and media == "application/json", (headers, answered, answer[:300])
        assert text in answer.decode(), answer[:300]
    status, _, answer = request(f"{base}/execution-parameters")
    assert status == 200
    assert json.loads(answer) == {"MaxConcurrentTransforms": 1, "BatchStrategy": "MULTI_RECORD", "MaxPayloadInMB": 6}


def check_drain(
    host: str,
    port: int,
    rows: pd.DataFrame,
    sigterm: Callable[[], None],
    exited: Callable[[], int | None],
    expected: list[float],
) -> float:
    """A request in flight when SIGTERM arrives is answered, then the server exits (0, or by the
    SIGTERM uvicorn re-raises once done, outside a container's PID 1); returns the seconds from
    SIGTERM to exit. The request's body is sent in two halves around the signal."""
    body = rows.to_json(orient="records").encode()
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.putrequest("POST", "/invocations")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders()
    connection.send(body[: len(body) // 2])
    time.sleep(0.5)  # the server has read the headers: the request is in flight
    signalled = time.monotonic()
    sigterm()
    time.sleep(0.5)
    connection.send(body[len(body) // 2 :])
    answer = connection.getresponse()
    assert answer.status == 200
    assert json.loads(answer.read())["predict"] == pytest.approx(expected)
    connection.close()
    deadline = signalled + 30
    while exited() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert exited() in (0, -signal.SIGTERM, 128 + signal.SIGTERM)
    return time.monotonic() - signalled
