"""CPU time per request of a vetiver app called directly as ASGI (no HTTP, no load generator).

Less sensitive to other load on the machine than wrk's requests/s, and it separates the app's own
cost from the HTTP server's. Run it with either environment's python:

    python bench/serving/inprocess.py                                   # vetiver-core
    .cache/legacy-vetiver-0.2.6/bin/python bench/serving/inprocess.py   # vetiver 0.2.6
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import fitted_model, training_data

import vetiver


def scope_for(body: bytes) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/predict",
        "raw_path": b"/predict",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }


def asgi_calls(app, body: bytes) -> tuple:
    """``(run, statuses)``: ``run(n)`` POSTs ``body`` to ``/predict`` n times; ``statuses``
    collects the answers' status codes."""
    scope = scope_for(body)
    statuses: list[int] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def calls(n: int) -> None:
        for _ in range(n):
            await app(dict(scope), receive, send)

    return (lambda n: asyncio.run(calls(n))), statuses


def cpu_us_per_request(app, body: bytes, requests: int) -> float:
    run, answers = asgi_calls(app, body)
    run(max(requests // 10, 5))  # warm-up
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        run(requests)
        best = min(best, (time.process_time() - started) / requests * 1e6)
    if set(answers) != {200}:
        raise RuntimeError(f"unexpected statuses {sorted(set(answers))}")
    return best


def main() -> None:
    model, X = fitted_model()
    app = vetiver.VetiverAPI(vetiver.VetiverModel(model, "lm", prototype_data=X), check_prototype=True).app
    rows, _ = training_data(rows=1000, seed=1)
    results = {"vetiver": vetiver.__version__}
    for n, requests in ((1, 300), (1000, 60)):
        body = rows.head(n).to_json(orient="records").encode()
        results[f"app_us_{n}"] = round(cpu_us_per_request(app, body, requests))
        frame = rows.head(n)
        results[f"predict_us_{n}"] = round(
            min(timeit.repeat(lambda f=frame: model.predict(f), number=200, repeat=3)) / 200 * 1e6
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
