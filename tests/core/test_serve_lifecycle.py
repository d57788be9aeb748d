"""Serving lifecycle (issue 9): the sklearn array probe runs at load, a restarted worker accepts
only once loaded, and SIGTERM drains accepted requests and exits 0 with one worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import orjson
import pins
import pytest
from starlette.testclient import TestClient

import vetiver
from tests.core.test_serve_cli import VETIVER, _clean_env, _wait_ready, free_port
from tests.support.slow_model import SlowRegression

ROOT = Path(__file__).resolve().parents[2]


def _slow_pin(tmp_path: Path, delay: float) -> str:
    X, y = vetiver.get_mock_data(seed=4)
    model = vetiver.VetiverModel(SlowRegression(delay=delay).fit(X, y), "slow", prototype_data=X)
    path = tmp_path / "board"
    vetiver.vetiver_pin_write(pins.board_folder(str(path)), model)
    return str(path)


def _serve(board: str, port: int, *extra: str) -> subprocess.Popen:
    env = _clean_env(PYTHONPATH=str(ROOT))  # the pin refers to tests.support.slow_model
    return subprocess.Popen([*VETIVER, "serve", board, "slow", "--port", str(port), "--allow-pickle", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def test_first_request_calls_predict_once():
    X, y = vetiver.get_mock_data(seed=4)
    model = vetiver.VetiverModel(SlowRegression().fit(X, y), "slow", prototype_data=X)
    SlowRegression.calls = 0
    api = vetiver.VetiverAPI(model)
    assert SlowRegression.calls == 2  # the probe, at load: a frame and an array of the example row
    assert model.handler.accepts_array(list(X.columns))
    SlowRegression.calls = 0
    response = TestClient(api.app).post("/predict", json=X.head(3).to_dict("records"))
    assert response.status_code == 200
    assert SlowRegression.calls == 1  # it was 3: the probe ran on the first live request


@pytest.mark.slow
def test_sigterm_finishes_every_accepted_request_and_exits_0(tmp_path):
    board, port = _slow_pin(tmp_path, delay=0.3), free_port()
    process = _serve(board, port)
    url = f"http://127.0.0.1:{port}"
    X, _ = vetiver.get_mock_data(seed=5)
    rows = X.sample(1000, replace=True, random_state=0).to_dict("records")
    try:
        _wait_ready(url, process, timeout=300)

        body = orjson.dumps(rows)
        request = (f"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body  # fmt: skip
        connections = [socket.create_connection(("127.0.0.1", port), timeout=60) for _ in range(12)]
        for connection in connections:
            connection.sendall(request)
        # SIGTERM once the server has accepted all 12 (its listen queue is empty); most requests
        # then still wait behind the busy event loop, unread. Connections never accepted are
        # reset by the kernel when the socket closes, as documented.
        _wait_until(lambda: _accept_queue(port) == 0, process, timeout=120)
        process.send_signal(signal.SIGTERM)
        statuses = [_status(connection) for connection in connections]
        assert statuses == [200] * 12
        assert process.wait(60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    log = process.stderr.read().decode()
    assert "Shutting down" in log


@pytest.mark.slow
def test_a_restarted_worker_accepts_only_once_loaded(tmp_path):
    """Before the fix the replacement worker accepted at once and answered 503 "loading"."""
    board, port = _slow_pin(tmp_path, delay=0.0), free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [*VETIVER, "serve", board, "slow", "--port", str(port), "--allow-pickle", "--workers", "2"],
            env=_clean_env(PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    X, _ = vetiver.get_mock_data(seed=5)
    body = X.head(2).to_dict("records")
    try:
        _wait_until(lambda: log.read_text().count("model loaded; serving") == 2, process)
        workers = _children(process.pid)
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        statuses: list[int] = []
        replaced_at = None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # through the replacement's start and 100 requests after
            statuses.append(httpx.post(f"{url}/predict", json=body, timeout=60).status_code)
            if replaced_at is None and log.read_text().count("model loaded; serving") == 3:
                replaced_at = len(statuses)
            if replaced_at is not None and len(statuses) > replaced_at + 100:
                break
        assert replaced_at is not None, "the supervisor did not replace the killed worker"
        assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(120)


def _wait_until(condition, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


def _accept_queue(port: int) -> int:
    """Connections waiting in the kernel's accept queue of the socket listening on ``port``
    (``rx_queue`` of a LISTEN entry in /proc/net/tcp)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":
            return int(fields[4].split(":")[1], 16)
    raise AssertionError(f"nothing listens on port {port}")


def _status(connection: socket.socket) -> int | str:
    """The HTTP status of the response on ``connection`` (read to the end), or what went wrong."""
    data = b""
    try:
        while chunk := connection.recv(65536):
            data += chunk
    except OSError as error:
        return type(error).__name__
    finally:
        connection.close()
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else f"no response ({len(data)} bytes)"


def _children(pid: int) -> list[int]:
    """Worker processes of uvicorn's supervisor (its children that are Python, not its resource tracker)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"multiprocessing.resource_tracker" not in cmdline:
                found.append(int(child))
    return sorted(found)
