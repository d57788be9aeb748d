"""Errors a new user meets first, each one clear line saying what to do: a missing board, a POST to
the app's root instead of /predict, a dead port, a port already in use; and ``vetiver serve``
saying where it listens."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pins
import pytest
from sklearn.linear_model import LinearRegression
from starlette.testclient import TestClient

import vetiver
from vetiver.errors import BoardNotFoundError, EndpointError, VetiverError

VETIVER = str(Path(sys.executable).with_name("vetiver"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def frame() -> pd.DataFrame:
    return pd.DataFrame(np.random.default_rng(3).normal(size=(20, 2)), columns=["a", "b"])


@pytest.fixture
def board_path(tmp_path: Path) -> Path:
    X = frame()
    model = vetiver.VetiverModel(LinearRegression().fit(X, X["a"]), "lm", prototype_data=X)
    vetiver.vetiver_pin_write(pins.board_folder(str(tmp_path / "board")), model)
    return tmp_path / "board"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VETIVER_", "PINS_ALLOW")) and k != "PORT"}
    return subprocess.run([VETIVER, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def test_posting_to_the_root_says_where_predictions_go():
    X = frame()
    api = vetiver.VetiverAPI(vetiver.VetiverModel(LinearRegression().fit(X, X["a"]), "lm", prototype_data=X))
    with pytest.raises(httpx.HTTPStatusError, match=r"405 .*; predictions are posted to http://testserver/predict$"):
        vetiver.predict("http://testserver/", X.head(1), test_client=TestClient(api.app))


def test_a_dead_port_is_one_clear_error():
    endpoint = f"http://127.0.0.1:{free_port()}/predict"
    with pytest.raises(EndpointError) as caught:
        vetiver.predict(endpoint, frame().head(1))
    assert isinstance(caught.value, ConnectionError) and isinstance(caught.value, VetiverError)
    assert str(caught.value) == (
        f"cannot reach {endpoint}: nothing answers there (is the model served? start it with: vetiver serve BOARD NAME)"
    )


@pytest.mark.parametrize("command", [["pins", "list"], ["pins", "versions"], ["serve"]])
def test_a_missing_board_is_named_in_one_line(tmp_path, command):
    args = [*command, "./no-such-board"] + (["lm"] if command != ["pins", "list"] else [])
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "vetiver: error: no board at './no-such-board': the folder does not exist\n"


def test_reading_a_missing_board_from_python_names_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BoardNotFoundError, match=r"^no board at './no-such-board'") as caught:
        vetiver.VetiverModel.from_pin("./no-such-board", "lm")
    assert isinstance(caught.value, FileNotFoundError)


def test_writing_to_a_new_board_folder_creates_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X = frame()
    model = vetiver.VetiverModel(LinearRegression().fit(X, X["a"]), "lm", prototype_data=X)
    vetiver.vetiver_pin_write(vetiver.board("./my-board"), model)  # the README's first lines
    assert vetiver.board("./my-board").pin_list() == ["lm"]


def test_a_port_in_use_is_one_line(board_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", str(board_path), "lm", "--allow-pickle", "--port", str(port))
    assert result.returncode == 1
    assert result.stderr == (
        f"vetiver: error: port {port} on 127.0.0.1 is already in use: stop what listens there or pass --port\n"
    )


def test_serve_says_where_it_listens_and_where_the_docs_are(board_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VETIVER_", "PINS_ALLOW"))}
    command = [VETIVER, "serve", str(board_path), "lm", "--allow-pickle", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    url = f"http://127.0.0.1:{port}"
    assert line == f"serving 'lm' on {url} (API docs: {url}/__docs__); stop with Ctrl-C\n"


def test_python_m_vetiver_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "vetiver", "serve", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "usage: vetiver serve" in result.stdout
