"""Where a vetiver request's time goes: cProfile of the ASGI app called in process (no HTTP).

    python bench/serving/profile_request.py [--rows 1000] [--format json|columnar] [--requests 300]

Prints the functions with the most own time and, for reference, the CPU time per request and of
``model.predict`` on the same rows as an array (the model's own work).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inprocess import asgi_calls
from model import fitted_model, training_data
from servers import columnar, records

import vetiver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--format", choices=("json", "columnar"), default="json")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    model, X = fitted_model()
    app = vetiver.VetiverAPI(vetiver.VetiverModel(model, "lm", prototype_data=X), access_log=False).app
    rows, _ = training_data(rows=args.rows, seed=1)
    body = records(rows) if args.format == "json" else json.dumps(columnar(rows)).encode()
    run, statuses = asgi_calls(app, body)
    run(20)  # warm-up: the handler's first-request probe
    started = time.process_time()
    run(args.requests)
    per_request = (time.process_time() - started) / args.requests * 1e6
    profiler = cProfile.Profile()
    profiler.enable()
    run(args.requests)
    profiler.disable()
    if set(statuses) != {200}:
        raise SystemExit(f"unexpected statuses {sorted(statuses)}")
    array = rows.to_numpy()
    predict = min(timeit.repeat(lambda: model.predict(array), number=200, repeat=3)) / 200 * 1e6
    print(
        f"{args.rows} rows, {args.format}: {per_request:.0f} us CPU per request; model.predict(array) {predict:.0f} us"
    )
    pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
