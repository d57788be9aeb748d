"""Helpers for any vetiver test: comparing predictions, serving an app on a real uvicorn server,
posting to an app in process, and a folder board fixture. Imports only pytest and the standard
library at module level (pytest loads this package at start-up)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "assert_predictions_equal",
    "assert_valid_predictions",
    "plain_rows",
    "post_in_process",
    "serve_app",
    "vetiver_board",
]


# --- helpers for any vetiver test ----------------------------------------------------------------


def assert_predictions_equal(actual: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-12) -> None:
    """Assert two prediction results are equal: numbers within ``rtol``/``atol`` (``0, 0`` means
    bit-identical), anything else exactly. Lists of records (dicts) are compared key by key."""
    import numpy as np

    actual, expected = plain_rows(actual), plain_rows(expected)
    assert len(actual) == len(expected), f"{len(actual)} predictions, expected {len(expected)}"
    if expected and isinstance(expected[0], dict):
        assert [sorted(r) for r in actual] == [sorted(r) for r in expected], "records have other keys"
        for key in expected[0]:
            assert_predictions_equal([r[key] for r in actual], [r[key] for r in expected], rtol, atol)
        return
    try:
        left, right = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):  # labels, strings: compared as they are
        assert actual == expected
        return
    assert left.shape == right.shape, f"predictions have shape {left.shape}, expected {right.shape}"
    np.testing.assert_allclose(left, right, rtol=rtol, atol=atol, equal_nan=True)


def plain_rows(result: Any) -> list:
    """A prediction result (list, array, Series, DataFrame) as a list of rows."""
    if hasattr(result, "to_dict") and hasattr(result, "columns"):  # DataFrame
        return result.to_dict(orient="records")
    return result.tolist() if hasattr(result, "tolist") else list(result)


def assert_valid_predictions(rows: list, prediction_type: str) -> None:
    """Every row holds a value: no None, no NaN, records with the same keys."""
    import numpy as np

    for row in rows:
        values = list(row.values()) if isinstance(row, dict) else (row if isinstance(row, list) else [row])
        assert values, f"{prediction_type}: an empty prediction"
        for value in np.asarray(values, dtype=object).ravel():
            assert value is not None, f"{prediction_type}: a prediction is None"
            if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
                assert not np.isnan(value), f"{prediction_type}: a prediction is NaN"  # -inf is a log-probability
    if rows and isinstance(rows[0], dict):
        assert all(sorted(r) == sorted(rows[0]) for r in rows), f"{prediction_type}: records differ in keys"


@contextlib.contextmanager
def serve_app(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve an ASGI app with a real uvicorn server on a free port of ``host``, in a thread.

    Yields the base URL (``http://127.0.0.1:<port>``); the server stops when the block ends.
    """
    import uvicorn

    # Bind first and hand uvicorn the socket: no window for another process to take the port.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="vetiver-test-server")
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on {host}:{port}")
            time.sleep(0.02)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def post_in_process(app: Any, path: str, body: Any) -> Any:
    """POST ``body`` as JSON to an ASGI app in this process; returns the ``httpx.Response``."""
    import anyio
    import httpx

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://vetiver.test") as client:
            return await client.post(path, json=body)

    return anyio.run(post)


@pytest.fixture
def vetiver_board(tmp_path: Path) -> Any:
    """A versioned folder board in a temporary folder that allows pickle reads."""
    import pins

    return pins.board_folder(str(tmp_path / "vetiver-board"), allow_pickle_read=True)
