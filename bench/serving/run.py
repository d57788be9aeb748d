"""Serving benchmark: vetiver-core vs vetiver-python 0.2.6 vs a bare starlette handler.

Each server runs the same LinearRegression (3 numeric columns) in one uvicorn worker on
127.0.0.1, with access logs off; wrk drives it over loopback. Workloads: 1-row and 1000-row JSON
bodies, and a 100,000-row body sent as Arrow (vetiver 0.2.6 reads only JSON, so it gets the same
rows as JSON). Prints requests/s and p50/p99 latency per server and workload, and the ratios.

``--stack`` picks the servers' HTTP parser and event loop: ``auto`` (the default) lets uvicorn use
what each environment has (httptools + uvloop where installed, else h11 + asyncio; a plain
``pip install vetiver==0.2.6`` has h11 only), ``h11`` and ``httptools`` force one stack on all
three (``httptools`` needs httptools and uvloop in the 0.2.6 environment too).

    python bench/serving/run.py [--duration 10] [--rounds 3] [--stack auto] [--json results.json]

vetiver 0.2.6 runs from its own virtual environment, built on first use by
``tests/support/legacy.py`` (``--legacy-python`` points at another one).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
import pandas as pd
import pyarrow as pa

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from loadgen import free_port, lua_script, run_wrk  # noqa: E402
from model import training_data  # noqa: E402

JSON = "application/json"
ARROW = "application/vnd.apache.arrow.stream"


@dataclass
class Result:
    server: str
    workload: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int


def write_bodies(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, content type) for every body any server is sent."""
    X, _ = training_data(rows=100_000, seed=1)
    bodies = {}
    for rows in (1, 1000):
        path = folder / f"rows{rows}.json"
        path.write_text(X.head(rows).to_json(orient="records"))
        bodies[f"json-{rows}"] = (path, JSON)
    table = pa.Table.from_pandas(X, preserve_index=False)
    arrow = folder / "rows100000.arrows"
    with pa.OSFile(str(arrow), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    bodies["arrow-100000"] = (arrow, ARROW)
    big_json = folder / "rows100000.json"
    big_json.write_text(X.to_json(orient="records"))
    bodies["json-100000"] = (big_json, JSON)
    return bodies


STACKS = {"auto": ("auto", "auto"), "h11": ("h11", "asyncio"), "httptools": ("httptools", "uvloop")}


def start_server(python: str, script: str, port: int, stack: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    http, loop = STACKS[stack]
    process = subprocess.Popen(
        [python, str(HERE / script), str(port), http, loop],
        cwd=HERE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    body = '[{"x1": 0.1, "x2": 0.2, "x3": 0.3}]'
    deadline = time.monotonic() + 300  # imports are slow on a loaded machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{script} exited: {process.stderr.read().decode()[-2000:]}")
        try:
            response = httpx.post(f"http://127.0.0.1:{port}/predict", content=body, headers={"Content-Type": JSON})
            if response.status_code == 200:
                return process
            raise RuntimeError(f"{script} answered {response.status_code}: {response.text[:500]}")
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{script} did not start within 300 s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def legacy_python(given: str | None) -> str:
    if given:
        return given
    sys.path.insert(0, str(ROOT))
    from tests.support.legacy import build_legacy_env

    return str(build_legacy_env())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement (after a 2 s warm-up)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (2 for 100,000 rows)")
    parser.add_argument("--legacy-python", help="python of a virtual environment with vetiver 0.2.6")
    parser.add_argument("--servers", default="vetiver,bare,vetiver-0.2.6", help="comma-separated subset to run")
    parser.add_argument(
        "--stack", choices=sorted(STACKS), default="auto", help="HTTP parser and event loop of the servers"
    )
    parser.add_argument(
        "--workloads", default=",".join(WORKLOADS), help="comma-separated subset of " + ", ".join(WORKLOADS)
    )
    parser.add_argument("--rounds", type=int, default=3, help="measurements per server and workload (median kept)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2

    servers = {
        "vetiver": (sys.executable, "app_vetiver.py"),
        "vetiver-logged": (sys.executable, "app_vetiver_logged.py"),  # prediction logging on
        "bare": (sys.executable, "app_bare.py"),
        "vetiver-0.2.6": (None, "app_legacy.py"),
    }
    chosen = [name for name in args.servers.split(",") if name]
    if "vetiver-0.2.6" in chosen:
        servers["vetiver-0.2.6"] = (legacy_python(args.legacy_python), "app_legacy.py")
    floor = model_floor()
    print(
        f"model.predict(DataFrame) alone, in this process: 1 row {floor['1']:.0f} us, 1000 rows {floor['1000']:.0f} us,"
        f" 100,000 rows {floor['100000']:.0f} us per call"
    )
    results: list[Result] = []
    processes: dict[str, tuple[subprocess.Popen, int]] = {}
    with tempfile.TemporaryDirectory(prefix="vetiver-bench-") as tmp:
        folder = Path(tmp)
        bodies = write_bodies(folder)
        try:
            # All servers run at once (idle ones cost nothing) so that rounds can alternate between
            # them: background load on a shared machine then affects every server alike.
            for server in chosen:
                port = free_port()
                processes[server] = (start_server(*servers[server], port, args.stack), port)
            for workload in [w for w in args.workloads.split(",") if w in WORKLOADS]:
                rounds: dict[str, list[Result]] = {server: [] for server in chosen}
                for round_ in range(args.rounds):
                    order = chosen[round_ % len(chosen) :] + chosen[: round_ % len(chosen)]
                    for server in order:
                        rounds[server].append(measure(server, workload, processes[server][1], bodies, folder, args))
                for server in chosen:
                    result = median_result(rounds[server])
                    results.append(result)
                    print(
                        f"{server:14} {workload:13} {result.requests_per_s:9.1f} req/s  p50 {result.p50_ms:8.2f} ms"
                        f"  p99 {result.p99_ms:8.2f} ms" + (f"  ERRORS {result.errors}" if result.errors else ""),
                        flush=True,
                    )
        finally:
            for process, _ in processes.values():
                stop_server(process)
    report(results)
    if args.json:
        machine = {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "stack": args.stack,
            "duration_s": args.duration,
            "connections": args.connections,
            "rounds": args.rounds,
        }
        report_data = {"machine": machine, "model_predict_us": floor, "results": [asdict(r) for r in results]}
        args.json.write_text(json.dumps(report_data, indent=2))
    return 1 if any(r.errors for r in results) else 0


WORKLOADS = ("json-1", "json-1000", "arrow-100000")


def measure(server: str, workload: str, port: int, bodies: dict, folder: Path, args: argparse.Namespace) -> Result:
    """One warmed-up wrk run of one workload against one server."""
    # 0.2.6 cannot read Arrow: it gets the same 100,000 rows as JSON.
    body_name = "json-100000" if server == "vetiver-0.2.6" and workload == "arrow-100000" else workload
    path, content_type = bodies[body_name]
    script = lua_script(folder, path, content_type)
    connections = 2 if "100000" in workload else args.connections
    url = f"http://127.0.0.1:{port}/predict"
    run_wrk(url, script, 2, connections)  # warm-up
    run = run_wrk(url, script, args.duration, connections)
    return Result(server, workload, run.requests_per_s, run.p50_ms, run.p99_ms, run.errors)


def median_result(runs: list[Result]) -> Result:
    """The run with the median requests/s (its own latencies), errors summed over all runs."""
    chosen = sorted(runs, key=lambda r: r.requests_per_s)[len(runs) // 2]
    return Result(
        chosen.server, chosen.workload, chosen.requests_per_s, chosen.p50_ms, chosen.p99_ms, sum(r.errors for r in runs)
    )


def model_floor() -> dict[str, float]:
    """Microseconds per ``model.predict`` on a DataFrame: the part of every request no server can
    avoid (scikit-learn checks feature names and pandas dtypes on each call)."""
    import timeit

    from model import fitted_model

    model, _ = fitted_model()
    X, _ = training_data(rows=100_000, seed=1)
    floor = {}
    for rows in (1, 1000, 100_000):
        frame = X.head(rows)
        number = 20 if rows == 100_000 else 200
        floor[str(rows)] = min(timeit.repeat(lambda f=frame: model.predict(f), number=number, repeat=3)) / number * 1e6
    return floor


def report(results: list[Result]) -> None:
    frame = pd.DataFrame([asdict(r) for r in results])
    print()
    print(frame.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    by = {(r.server, r.workload): r for r in results}
    print()
    for workload in dict.fromkeys(r.workload for r in results):
        ours = by.get(("vetiver", workload))
        if ours is None:
            continue
        for other in ("vetiver-0.2.6", "bare", "vetiver-logged"):
            if (other, workload) in by:
                ratio = ours.requests_per_s / by[(other, workload)].requests_per_s
                print(f"{workload:13} vetiver / {other:14} requests/s ratio: {ratio:5.2f}")


if __name__ == "__main__":
    sys.exit(main())
