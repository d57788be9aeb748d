"""``vetiver demo``, the README's first command: pins a demo model to a local folder board and
serves it on a real uvicorn server."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

import vetiver
from tests.support.moto import free_port

VETIVER = str(Path(sys.executable).parent / "vetiver")


def test_demo_pins_and_serves(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [VETIVER, "demo", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stdout.read()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "demo server did not become ready"
            time.sleep(0.2)
        car = vetiver.data.mtcars.drop(columns="cyl").head(2)
        response = httpx.post(f"http://127.0.0.1:{port}/predict", json=car.to_dict(orient="records"))
        assert response.status_code == 200, response.text
        assert response.json() == {"predict": vetiver.get_mtcars_model().predict(car).tolist()}
        assert httpx.get(f"http://127.0.0.1:{port}/__docs__").status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0]
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the parent sees the signal
    assert process.returncode in (0, -signal.SIGTERM), output
    assert "Finished server process" in output
    assert (tmp_path / "vetiver-demo-board" / "mtcars").is_dir()
