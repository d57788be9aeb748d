"""``vetiver serve``: startup failures as one line, environment defaults, a real server with
workers=2, and the importable app factory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pins
import pytest
from sklearn.linear_model import LinearRegression

import vetiver
from vetiver import cli
from vetiver.serving.app_factory import ServeSettings

# The installed console script (``python -m vetiver.cli`` would run a second copy of the cli module,
# which serve_cli does not register into).
VETIVER = [str(Path(sys.executable).with_name("vetiver"))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def pinned(tmp_path: Path) -> tuple[str, pd.DataFrame]:
    """A folder board holding a LinearRegression pinned as "lm"; the board path and data."""
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(50, 3)), columns=["a", "b", "c"])
    v = vetiver.VetiverModel(LinearRegression().fit(X, X.sum(axis=1)), "lm", prototype_data=X)
    path = tmp_path / "board"
    vetiver.vetiver_pin_write(pins.board_folder(str(path), allow_pickle_read=True), v)
    return str(path), X


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VETIVER_", "PINS_ALLOW")) and k != "PORT"}
    return {**env, **extra}


def _one_line_error(argv: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run([*VETIVER, *argv], capture_output=True, text=True, timeout=120, env=env or _clean_env())
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vetiver: error:"), result.stderr
    return lines[0]


def test_startup_failures_are_one_line_and_non_zero(pinned, tmp_path):
    board, _ = pinned
    assert "no board" in _one_line_error(["serve", str(tmp_path / "missing"), "lm"])
    assert "no pin named 'nope'" in _one_line_error(["serve", board, "nope"])
    assert "--allow-pickle" in _one_line_error(["serve", board, "lm"])
    assert "needs a board and a pin name" in _one_line_error(["serve"])
    assert "no serving runtime named 'nginx'" in _one_line_error(["serve", board, "lm", "--runtime", "nginx"])


def test_no_plugin_for_the_model_type(tmp_path):
    # A joblib pin of an object no handler plugin claims.
    board = pins.board_folder(str(tmp_path / "b"), allow_pickle_read=True)
    board.pin_write({"not": "a model"}, "thing", type="joblib")
    message = _one_line_error(["serve", str(tmp_path / "b"), "thing", "--allow-pickle"])
    assert "no vetiver handler for model type builtins.dict" in message


def _serve(argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([*VETIVER, "serve", *argv], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_ready(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode())
        try:
            if httpx.get(f"{url}/ping", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("not ready")


def _stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) in (0, -signal.SIGTERM)
    return process.stderr.read().decode()


def test_serve_reads_its_defaults_from_the_environment(pinned):
    board, X = pinned
    port = free_port()
    env = _clean_env(VETIVER_BOARD=board, VETIVER_PIN_NAME="lm", PORT=str(port), PINS_ALLOW_PICKLE_READ="1",
                     VETIVER_API_KEY="k", VETIVER_HOST="127.0.0.1")  # fmt: skip
    process = _serve([], env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        assert httpx.get(f"{url}/metadata").status_code == 401
        out = vetiver.predict(f"{url}/predict", X.head(4), headers={"Authorization": "k"})
        assert len(out) == 4
    finally:
        log = _stop(process)
    assert '"POST /predict" 200' in log  # access log


def test_workers_2_each_load_the_model_once(pinned):
    board, X = pinned
    port = free_port()
    process = _serve([board, "lm", "--port", str(port), "--workers", "2", "--allow-pickle"], _clean_env())
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # both workers answer only once loaded
            answers = [httpx.post(f"{url}/predict", json=X.head(2).to_dict("records")).status_code for _ in range(10)]
            if set(answers) == {200}:
                break
            assert set(answers) <= {200, 503}
            time.sleep(0.2)
        assert set(answers) == {200}
    finally:
        log = _stop(process)
    assert log.count("model loaded; serving") == 2, log
    assert log.count("Started server process") == 2


def test_settings_round_trip_through_the_environment():
    settings = ServeSettings(board="/b", name="m", version="v1", allow_pickle=True, api_key="k",
                             max_body_size=10, extra_columns="forbid", access_log=False, check_prototype=False)  # fmt: skip
    assert ServeSettings.from_env(settings.to_env()) == settings
    with pytest.raises(ValueError, match="VETIVER_BOARD"):
        ServeSettings.from_env({})


def test_app_factory_serves_the_pin(pinned, monkeypatch):
    from starlette.testclient import TestClient

    from vetiver.serving.app_factory import create_app

    board, X = pinned
    monkeypatch.setenv("VETIVER_BOARD", board)
    monkeypatch.setenv("VETIVER_PIN_NAME", "lm")
    monkeypatch.setenv("PINS_ALLOW_PICKLE_READ", "1")
    app = create_app()
    with TestClient(app) as client:
        deadline = time.monotonic() + 30
        while not app.ready and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.get("/ping").json() == {"ping": "pong"}
        assert len(client.post("/predict", json=X.head(3).to_dict("records")).json()["predict"]) == 3


def test_serve_is_listed_in_help(capsys):
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    out = capsys.readouterr().out
    for option in ("--workers", "--runtime", "--allow-pickle", "VETIVER_BOARD", "PORT"):
        assert option in out
