"""VetiverAPI on a real uvicorn server on a loopback port: the predict client over the network,
Arrow both ways, and graceful shutdown on SIGTERM with a request in flight."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

import vetiver

SERVER = textwrap.dedent(
    """
    import sys, time
    import numpy as np, pandas as pd
    from sklearn.linear_model import LinearRegression
    import vetiver

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["x1", "x2", "x3"])
    model = LinearRegression().fit(X, X.sum(axis=1))
    api = vetiver.VetiverAPI(vetiver.VetiverModel(model, "lm", prototype_data=X), api_key="k")

    def slow(data):
        '''Sleeps, then counts rows: an in-flight request for the shutdown test.'''
        time.sleep(float(data["x1"].iloc[0]))
        return [len(data)]

    api.vetiver_post(slow)
    api.run(port=int(sys.argv[1]), host="127.0.0.1", quiet_open=True)
    """
)
HEADERS = {"Authorization": "Key k"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early:\n{process.stderr.read().decode()}")
        try:
            if httpx.get(f"{url}/ping", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("server did not become ready")


def assert_clean_exit(process: subprocess.Popen) -> None:
    """uvicorn finishes its shutdown, then re-raises the SIGTERM it caught (exit status -15)."""
    assert process.wait(30) in (0, -signal.SIGTERM)
    log = process.stderr.read().decode()
    assert "Waiting for application shutdown" in log and "Finished server process" in log, log


@pytest.fixture
def server(tmp_path: Path):
    script = tmp_path / "serve.py"
    script.write_text(SERVER)
    port = free_port()
    process = subprocess.Popen([sys.executable, str(script), str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield url, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _model() -> tuple[LinearRegression, pd.DataFrame]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["x1", "x2", "x3"])
    return LinearRegression().fit(X, X.sum(axis=1)), X


def test_predict_client_over_loopback(server):
    url, process = server
    model, X = _model()
    endpoint = vetiver.vetiver_endpoint(f"{url}/predict/")
    assert endpoint == f"{url}/predict"

    small = vetiver.predict(endpoint, X.head(3), headers=HEADERS)
    assert list(small.columns) == ["predict"] and np.allclose(small["predict"], model.predict(X.head(3)))
    assert np.allclose(vetiver.predict(endpoint, X.iloc[0], headers=HEADERS)["predict"], model.predict(X.head(1)))
    assert len(vetiver.predict(endpoint, X.iloc[0].to_dict(), headers=HEADERS)) == 1

    big = pd.concat([X] * 100, ignore_index=True)  # 20,000 rows: sent and answered as Arrow
    answer = vetiver.predict(endpoint, big, headers=HEADERS)
    assert len(answer) == len(big) and np.allclose(answer["predict"], model.predict(big))

    with pytest.raises(TypeError, match="x2"):
        vetiver.predict(endpoint, X.head(2).drop(columns="x2"), headers=HEADERS)
    with pytest.raises(httpx.HTTPStatusError, match="401"):
        vetiver.predict(endpoint, X.head(2))

    process.send_signal(signal.SIGTERM)
    assert_clean_exit(process)


def test_graceful_shutdown_lets_in_flight_requests_finish(server):
    url, process = server
    # A body over the thread threshold, so the slow call runs off the event loop and the server
    # notices SIGTERM while the request is still in flight.
    rows = pd.DataFrame({"x1": [1.5] * 6000, "x2": 0.0, "x3": 0.0})
    result: dict = {}

    def call() -> None:
        result["response"] = httpx.post(f"{url}/slow", json=rows.to_dict("records"), headers=HEADERS, timeout=30)

    thread = threading.Thread(target=call)
    thread.start()
    time.sleep(0.8)  # the request is being handled
    process.send_signal(signal.SIGTERM)
    thread.join(30)
    assert result["response"].status_code == 200 and result["response"].json() == {"slow": [6000]}
    assert_clean_exit(process)
    with pytest.raises(httpx.TransportError):  # and it no longer accepts connections
        httpx.get(f"{url}/ping", timeout=2)
