"""The ``/__docs__`` page in headless Chromium with no network but loopback: the page, its assets
and the OpenAPI document all come from the app, and the predict endpoint is rendered."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time

import httpx
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless Chromium is not installed (Debian package 'chromium', "
        "listed in tests/requirements/serving-apt.txt)",
    ),
]

SERVER = textwrap.dedent(
    """
    import sys
    import numpy as np, pandas as pd, vetiver
    from sklearn.linear_model import LinearRegression
    X = pd.DataFrame({"B": [1, 2, 3], "C": [4, 5, 6], "D": [7, 8, 9]})
    api = vetiver.VetiverAPI(vetiver.VetiverModel(LinearRegression().fit(X, [1.0, 2.0, 3.0]), "cars", prototype_data=X))

    def total(data):
        '''Row sums.'''
        return data.sum(axis=1).tolist()

    api.vetiver_post(total)
    api.run(port=int(sys.argv[1]), quiet_open=True)
    """
)


@pytest.fixture
def docs_url(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    script = tmp_path / "serve.py"
    script.write_text(SERVER)
    process = subprocess.Popen(
        [sys.executable, str(script), str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read().decode()
            try:
                if httpx.get(f"{url}/ping", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield f"{url}/"  # the root redirects to the docs
    finally:
        process.kill()
        process.wait(10)


def test_docs_page_renders_the_predict_endpoint_offline(docs_url, tmp_path):
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            f"--user-data-dir={tmp_path / 'profile'}",
            # No network: every host name but the loopback address fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--virtual-time-budget=15000",
            "--dump-dom",
            docs_url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = result.stdout
    assert "swagger-ui" in dom, result.stderr[-2000:]
    paths = set(re.findall(r'data-path="([^"]+)"', dom))
    assert {"/predict", "/total", "/ping", "/metadata", "/prototype"} <= paths, sorted(paths)
    assert "cars model API" in dom
    assert "Row sums." in dom
