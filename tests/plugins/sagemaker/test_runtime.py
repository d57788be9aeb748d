"""The ``sagemaker`` serving runtime without Docker: ``vetiver serve BOARD NAME --runtime sagemaker``
as a real process on loopback, checked against SageMaker's container contract (contract.py), and
``vetiver.predict`` on a ``SageMakerEndpoint`` through the runtime API stand-in forwarding to it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pins
import pytest

import vetiver
from tests.plugins.sagemaker import contract
from tests.plugins.sagemaker.conftest import Pinned, pin_two_versions
from tests.support.moto import free_port
from tests.support.sagemaker_runtime import SageMakerRuntimeStandIn
from vetiver_sagemaker import SageMakerEndpoint
from vetiver_sagemaker.errors import EndpointNotFoundError, ModelError, ThrottlingError

VETIVER = str(Path(sys.executable).parent / "vetiver")


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    pinned: Pinned

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def expected(self) -> list[float]:
        newest = vetiver.VetiverModel.from_pin(self.pinned.board, self.pinned.name)
        return newest.model.predict(self.pinned.rows).tolist()


def start(pinned: Pinned, log: Path) -> Server:
    """``vetiver serve`` with the sagemaker runtime; SAGEMAKER_BIND_TO_PORT overrides --port."""
    port = free_port()
    env = {**os.environ, "SAGEMAKER_BIND_TO_PORT": str(port)}
    with open(log, "w") as out:
        process = subprocess.Popen(
            [VETIVER, "serve", pinned.url, pinned.name, "--runtime", "sagemaker", "--allow-pickle", "--port", "1"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(process, port, pinned)
    contract.wait_for_ping(server.base, lambda: process.poll() is None)
    return server


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=40)


@pytest.fixture(scope="module")
def pinned(tmp_path_factory) -> Pinned:
    path = tmp_path_factory.mktemp("runtime") / "board"
    return pin_two_versions(pins.board_folder(str(path), allow_pickle_read=True), str(path))


@pytest.fixture(scope="module")
def server(pinned, tmp_path_factory) -> Iterator[Server]:
    server = start(pinned, tmp_path_factory.mktemp("server") / "serve.log")
    yield server
    stop(server)


def test_ping_answers_within_two_seconds_on_sagemaker_bind_to_port(server):
    contract.check_ping(server.base)


def test_invocations_in_every_content_type_match_in_process_predictions(server):
    contract.check_invocations(server.base, server.pinned.rows, server.expected())


def test_bad_requests_get_clear_client_errors(server):
    contract.check_bad_requests(server.base, server.pinned.rows)


def test_predict_on_an_endpoint_object_through_the_runtime_api_stand_in(server, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    stand_in = SageMakerRuntimeStandIn(endpoints={"cars": server.base})
    try:
        endpoint = SageMakerEndpoint("cars", "us-east-1", endpoint_url=stand_in.url)
        predicted = vetiver.predict(endpoint, server.pinned.rows)
        assert isinstance(predicted, pd.DataFrame)
        assert predicted["predict"].tolist() == pytest.approx(server.expected())
        sent = stand_in.received[-1]
        assert sent["path"] == "/endpoints/cars/invocations"
        assert sent["headers"]["content-type"] == "application/json"

        with pytest.raises(
            ModelError, match=r"answered 422: .*column 'B', row 0: expected integer, received 'x'"
        ) as failed:
            vetiver.predict(endpoint, [{"B": "x"}])
        assert isinstance(failed.value, vetiver.errors.VetiverError)

        with pytest.raises(EndpointNotFoundError, match="no SageMaker endpoint 'nope'"):
            vetiver.predict(SageMakerEndpoint("nope", "us-east-1", endpoint_url=stand_in.url), server.pinned.rows)

        before = len(stand_in.received)
        stand_in.throttle(2)
        with pytest.raises(ThrottlingError, match="throttled InvokeEndpoint on cars after retries"):
            vetiver.predict(endpoint, server.pinned.rows)
        assert len(stand_in.received) - before == 2  # botocore retried once (AWS_MAX_ATTEMPTS=2)
    finally:
        stand_in.close()


def test_sigterm_drains_the_request_in_flight_then_exits(pinned, tmp_path):
    server = start(pinned, tmp_path / "serve.log")
    try:
        seconds = contract.check_drain("127.0.0.1", server.port, pinned.rows,
                                       lambda: server.process.send_signal(signal.SIGTERM), server.process.poll,
                                       server.expected())  # fmt: skip
        assert seconds < 30
        assert "Finished server process" in (tmp_path / "serve.log").read_text()
    finally:
        stop(server)
