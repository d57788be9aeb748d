"""Prediction logging in the served API: in-process through the ASGI lifespan, and a real
`vetiver serve --log-predictions` on 127.0.0.1 stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from starlette.testclient import TestClient

import vetiver
from vetiver.monitor import compute_drift, read_prediction_log, read_reference_profile

from .conftest import make_frame


@pytest.fixture
def pinned(board, fitted):
    model, train, _ = fitted
    v = vetiver.VetiverModel(model, "reg", prototype_data=train[["x1", "x2"]])
    meta = vetiver.vetiver_pin_write(board, v, reference_data=train)
    return board, vetiver.VetiverModel.from_pin(board, "reg"), meta.version.version


def test_api_logs_predictions_and_returns_request_ids(pinned, tmp_path):
    board, model, version = pinned
    api = vetiver.VetiverAPI(model, log_predictions=tmp_path / "log")
    rows = make_frame(5, seed=1)[["x1", "x2"]]
    with TestClient(api.app) as client:
        first = client.post("/predict", json=rows.to_dict("records"))
        mine = client.post("/predict", json=rows.head(1).to_dict("records"), headers={"X-Request-ID": "order-17"})
        odd = client.post("/predict", json=rows.head(1).to_dict("records"), headers={"X-Request-ID": "a b\tc"})
        bad = client.post("/predict", json=[{"x1": "not a number", "x2": 1.0}])
        assert first.status_code == 200 and len(first.headers["x-request-id"]) == 32
        assert mine.headers["x-request-id"] == "order-17"
        assert odd.headers["x-request-id"] != "a b\tc"
        assert bad.status_code == 422
    # Leaving the client shut the app down: the log is written.
    log = read_prediction_log(tmp_path / "log")
    assert log["request_id"].tolist() == [first.headers["x-request-id"]] * 5 + ["order-17", odd.headers["x-request-id"]]
    assert set(log["model_version"]) == {version} and set(log["model_name"]) == {"reg"}
    assert log["prediction"].tolist()[:5] == pytest.approx(first.json()["predict"])
    assert log["x1"].tolist()[:5] == pytest.approx(rows["x1"].tolist())
    drift = compute_drift(read_reference_profile(board, "reg"), log)
    assert {"x1", "x2", "prediction"} <= set(drift["feature"])


def test_no_logging_no_header(pinned):
    _, model, _ = pinned
    with TestClient(vetiver.VetiverAPI(model).app) as client:
        response = client.post("/predict", json=[{"x1": 1.0, "x2": 2.0}])
    assert response.status_code == 200 and "x-request-id" not in response.headers


@pytest.mark.slow
def test_vetiver_serve_log_predictions_flushes_on_sigterm(pinned, tmp_path):
    board, _, version = pinned
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log_dir = tmp_path / "served-log"
    process = subprocess.Popen(
        [sys.executable, "-m", "vetiver.cli", "serve", board.board, "reg", "--allow-pickle", "--port", str(port),
         "--no-access-log", "--log-predictions", str(log_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # imports are slow on a loaded 2-core machine
        while True:
            assert process.poll() is None, process.stderr.read().decode()
            try:
                if httpx.get(f"{url}/ping", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        ids = []
        with httpx.Client(base_url=url, timeout=10) as client:
            for i in range(30):
                response = client.post("/predict", json=[{"x1": float(i), "x2": 1.0}])
                assert response.status_code == 200
                ids.append(response.headers["x-request-id"])
        process.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully (the app's lifespan closes the log), then re-raises SIGTERM.
        assert process.wait(60) in (0, -signal.SIGTERM)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)
    log = read_prediction_log(log_dir)
    assert sorted(log["request_id"]) == sorted(ids)  # every request once, none twice
    assert set(log["model_version"]) == {version}


def test_multi_worker_factory_closes_the_log_at_shutdown(pinned, tmp_path):
    import asyncio

    import pandas as pd

    from vetiver.serving.app_factory import DeferredApp

    _, model, _ = pinned
    api = vetiver.VetiverAPI(model, log_predictions=tmp_path / "log")
    app = DeferredApp(lambda: api.app)
    app._run_load()  # what the loading thread does
    api.prediction_log.log("r1", "predict", pd.DataFrame({"x1": [1.0], "x2": [2.0]}), [0.5], rows=1)
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent = []

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message["type"])

    asyncio.run(app({"type": "lifespan"}, receive, send))
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert read_prediction_log(tmp_path / "log")["request_id"].tolist() == ["r1"]
