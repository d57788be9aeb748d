"""CPU cost of prediction logging: the app called directly as ASGI, with and without logging.

Process CPU time counts the writer thread too, and each timed run ends with a flush, so the
figure is the whole cost of logging a request (queueing, converting, writing Parquet). Rounds
alternate between the two apps so background load affects both alike; the best round of each is
kept. A request's CPU time bounds a one-worker server's requests/s, so the ratio of the two is the
expected requests/s ratio when the server is CPU-bound.

    python bench/serving/logging_cost.py [--rounds 7] [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inprocess import scope_for
from model import fitted_model, training_data

import vetiver


def cpu_us(api: vetiver.VetiverAPI, body: bytes, requests: int) -> float:
    scope = scope_for(body)
    statuses = set()

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            statuses.add(message["status"])

    async def run() -> None:
        for _ in range(requests):
            await api.app(dict(scope), receive, send)

    started = time.process_time()
    asyncio.run(run())
    if api.prediction_log is not None:
        api.prediction_log.flush()  # the writer's work for these requests is part of the cost
    elapsed = time.process_time() - started
    if statuses != {200}:
        raise RuntimeError(f"unexpected statuses {sorted(statuses)}")
    return elapsed / requests * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)
    model, X = fitted_model()
    rows, _ = training_data(rows=10, seed=1)
    body = rows.head(1).to_json(orient="records").encode()
    with tempfile.TemporaryDirectory(prefix="vetiver-log-cost-") as tmp:
        apis = {
            "plain": vetiver.VetiverAPI(vetiver.VetiverModel(model, "lm", prototype_data=X), access_log=False),
            "logged": vetiver.VetiverAPI(
                vetiver.VetiverModel(model, "lm", prototype_data=X), access_log=False, log_predictions=tmp
            ),
        }
        best = {name: float("inf") for name in apis}
        for api in apis.values():
            cpu_us(api, body, args.requests // 10)  # warm-up
        for round_ in range(args.rounds):
            for name in ["plain", "logged"] if round_ % 2 == 0 else ["logged", "plain"]:
                best[name] = min(best[name], cpu_us(apis[name], body, args.requests))
        logged_rows = len(vetiver.monitor.read_prediction_log(tmp))
        apis["logged"].prediction_log.close()
    result = {
        "cpu_us_per_request_plain": round(best["plain"], 1),
        "cpu_us_per_request_logged": round(best["logged"], 1),
        "expected_requests_per_s_ratio": round(best["plain"] / best["logged"], 3),
        "rows_logged": logged_rows,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
