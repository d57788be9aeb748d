"""vetiver-core against the servers users pick instead: MLServer, BentoML, MLflow, vetiver 0.2.6.

One command builds each peer in its own virtual environment (uv), packages one fitted model file
(a LinearRegression on 3 numeric columns) for each, serves it with each one's production command
in one worker on 127.0.0.1, checks that every server answers the same predictions, and then runs
interleaved wrk rounds (``-t1 -c8``). Per server and workload it reports requests/s, p50/p99
latency and the server's own CPU time per request (from /proc, summed over its process tree:
steadier than requests/s on a shared machine); per server the cold start (process start to the
first 200 on its readiness endpoint) and memory (RSS and PSS). ``vetiver-twin`` is a second copy
of the vetiver server: the ratio between the two is the noise band of the run.

    python bench/serving/compare.py [--rounds 3] [--duration 10] [--json results.json]
        [--env-root .cache] [--uv-args "--find-links /opt/wheels"]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import joblib
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import proctree  # noqa: E402
from loadgen import free_port, lua_script, run_wrk  # noqa: E402
from model import fitted_model, training_data  # noqa: E402
from peer_envs import ensure_env, precompile  # noqa: E402
from servers import SERVERS, Ports, Server  # noqa: E402

ROWS = (1, 1000)
OURS, TWIN = "vetiver", "vetiver-twin"
# Variables that turn off usage reporting in the peers: no traffic may leave the machine.
QUIET_ENV = {"DO_NOT_TRACK": "1", "BENTOML_DO_NOT_TRACK": "true", "MLFLOW_DISABLE_TELEMETRY": "true"}


@dataclass
class Measurement:
    server: str
    workload: str  # "<format>-<rows>", e.g. json-1000
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    cpu_us_per_request: float
    errors: int


@dataclass
class Running:
    server: Server
    process: subprocess.Popen
    port: int


# --- processes --------------------------------------------------------------------------------


def _get(port: int, path: str) -> int | None:
    """The status of ``GET path`` on 127.0.0.1, or None when nothing answers yet."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def start(server: Server, python: Path, work: Path, log: Path, timeout: float = 120) -> tuple[Running, float]:
    """Start ``server`` and wait for 200 on its readiness endpoint; returns it and the seconds
    from process start to that first 200 (the cold start)."""
    ports = Ports(free_port(), tuple(free_port() for _ in range(server.extra_ports)))
    argv, cwd, extra_env = server.command(python, work, ports)
    env = {**os.environ, **QUIET_ENV, **extra_env, "PATH": f"{python.parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    with open(log, "ab") as sink:
        started = time.perf_counter()
        # A session of its own, so stopping it reaches every process it starts (workers, arbiters).
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    while time.perf_counter() - started < timeout:
        if _get(ports.http, server.ready_path) == 200:
            return Running(server, process, ports.http), time.perf_counter() - started
        if process.poll() is not None:
            break
        time.sleep(0.005)
    stop(process)
    tail = log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"{server.name} did not become ready (exit {process.returncode}):\n{tail}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group, SIGKILL after 30 s."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass


def python_floor(model_file: Path, repeats: int) -> dict[str, float]:
    """Seconds a bare interpreter of this environment needs to start, and to import scikit-learn's
    linear models and load the model file: what no server's cold start can go below."""
    load = f"import joblib, sklearn.linear_model; joblib.load({str(model_file)!r})"
    floor = {}
    for name, code in (("python_s", "pass"), ("python_sklearn_load_s", load)):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times.append(time.perf_counter() - started)
        floor[name] = round(statistics.median(times), 3)
    return floor


# --- bodies and checks ------------------------------------------------------------------------


def write_bodies(servers: list[Server], folder: Path, rows: dict[int, object]) -> dict[tuple[str, str], Path]:
    """(server, workload) -> wrk script POSTing that server's body for that workload."""
    scripts = {}
    for server in servers:
        for fmt in server.formats:
            for n, frame in rows.items():
                body, content_type = server.body(fmt, frame)
                path = folder / f"{server.name}-{fmt}-{n}.body"
                path.write_bytes(body)
                scripts[(server.name, f"{fmt}-{n}")] = lua_script(folder, path, content_type, path.stem)
    return scripts


def check_predictions(running: Running, expected: np.ndarray, rows: object) -> float:
    """POST 1,000 rows in each of the server's formats; the largest relative difference from
    ``model.predict``. Raises if the answer is not 200 or not the same predictions."""
    worst = 0.0
    for fmt in running.server.formats:
        body, content_type = running.server.body(fmt, rows)
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        try:
            connection.request("POST", running.server.predict_path, body, {"Content-Type": content_type})
            response = connection.getresponse()
            answer = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"{running.server.name} ({fmt}) answered {response.status}: {answer[:500]!r}")
        got = np.asarray(running.server.decode(json.loads(answer)), dtype=float).ravel()
        if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-9, atol=0):
            raise RuntimeError(f"{running.server.name} ({fmt}) answered different predictions: {got[:5]} ...")
        worst = max(worst, float(np.max(np.abs(got - expected) / np.maximum(np.abs(expected), 1e-300))))
    return worst


# --- measuring --------------------------------------------------------------------------------


def measure(running: Running, workload: str, script: Path, duration: int, connections: int) -> Measurement:
    """A 2 s warm-up, then one timed wrk run with the server tree's CPU time around it."""
    url = f"http://127.0.0.1:{running.port}{running.server.predict_path}"
    run_wrk(url, script, 2, connections)
    cpu_before = proctree.cpu_seconds(running.process.pid)
    run = run_wrk(url, script, duration, connections)
    cpu = proctree.cpu_seconds(running.process.pid) - cpu_before
    per_request = cpu / run.requests * 1e6 if run.requests else float("nan")
    return Measurement(running.server.name, workload, run.requests_per_s, run.p50_ms, run.p99_ms,
                       round(per_request, 1), run.errors)  # fmt: skip


def median_measurement(runs: list[Measurement]) -> Measurement:
    """The round with the median requests/s (its latencies), the median CPU time per request of
    all rounds, and the errors of all rounds."""
    chosen = sorted(runs, key=lambda r: r.requests_per_s)[len(runs) // 2]
    cpu = statistics.median(r.cpu_us_per_request for r in runs)
    return Measurement(chosen.server, chosen.workload, chosen.requests_per_s, chosen.p50_ms, chosen.p99_ms, cpu,
                       sum(r.errors for r in runs))  # fmt: skip


def workloads(servers: list[Server]) -> list[str]:
    formats = dict.fromkeys(fmt for server in servers for fmt in server.formats)
    return [f"{fmt}-{n}" for fmt in formats for n in ROWS]


def cold_starts(servers: list[Server], pythons: dict[str, Path], work: Path, repeats: int) -> dict[str, float]:
    """Median cold start per server, one server at a time, with none of the others running."""
    cold: dict[str, float] = {}
    for server in servers:
        times = []
        for i in range(repeats):
            running, seconds = start(server, pythons[server.env], work, work / "logs" / f"{server.name}-cold{i}.log")
            stop(running.process)
            times.append(seconds)
        cold[server.name] = round(statistics.median(times), 3)
        print(f"cold start {server.name:14} {cold[server.name]:.2f} s", flush=True)
    return cold


def measure_workload(running: dict[str, Running], workload: str, scripts: dict[tuple[str, str], Path], rounds: int,
                     duration: int, connections: int) -> list[Measurement]:  # fmt: skip
    """``rounds`` interleaved rounds of ``workload`` on every server that takes it (each round starts
    with the next server, so drift in background load spreads evenly); the median per server."""
    names = [name for name in running if (name, workload) in scripts]
    runs: dict[str, list[Measurement]] = {name: [] for name in names}
    for round_ in range(rounds):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            runs[name].append(measure(running[name], workload, scripts[(name, workload)], duration, connections))
    results = []
    for name in names:
        result = median_measurement(runs[name])
        results.append(result)
        print(f"{name:14} {workload:14} {result.requests_per_s:9.1f} req/s  p50 {result.p50_ms:7.2f} ms"
              f"  p99 {result.p99_ms:7.2f} ms  CPU {result.cpu_us_per_request:8.1f} us/req"
              + (f"  ERRORS {result.errors}" if result.errors else ""), flush=True)  # fmt: skip
    return results


# --- reporting --------------------------------------------------------------------------------


def report(results: list[Measurement], cold: dict, memory: dict, floor: dict) -> list[str]:
    by = {(r.server, r.workload): r for r in results}
    lines = ["", "| server | workload | req/s | p50 ms | p99 ms | CPU µs/req | vetiver / it, req/s | it / vetiver, CPU |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in results:
        ours = by.get((OURS, r.workload)) or by.get((OURS, "json-" + r.workload.split("-")[1]))
        speed = f"{ours.requests_per_s / r.requests_per_s:.2f}" if ours and r.server != OURS else ""
        cpu = f"{r.cpu_us_per_request / ours.cpu_us_per_request:.2f}" if ours and r.server != OURS else ""
        lines.append(f"| {r.server} | {r.workload} | {r.requests_per_s:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
                     f"| {r.cpu_us_per_request:,.0f} | {speed} | {cpu} |")  # fmt: skip
    lines += ["", "| server | cold start s (median) | RSS MiB | PSS MiB |", "|---|---:|---:|---:|"]
    for name in cold:
        mem = memory.get(name, {})
        lines.append(f"| {name} | {cold[name]:.2f} | {mem.get('rss_mib', '')} | {mem.get('pss_mib', '')} |")
    lines.append(f"| bare python / + import sklearn.linear_model and joblib.load | {floor['python_s']:.2f} / "
                 f"{floor['python_sklearn_load_s']:.2f} | | |")  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated subset of: " + ", ".join(SERVERS))
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per workload (median kept)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per timed run (after a 2 s warm-up)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--cold-starts", type=int, default=3, help="cold starts per server (median kept)")
    parser.add_argument("--env-root", type=Path, default=ROOT / ".cache", help="where the peer environments live")
    parser.add_argument("--uv-args", default=os.environ.get("BENCH_UV_ARGS", ""),
                        help="extra `uv pip install` arguments for the peer environments [BENCH_UV_ARGS]")  # fmt: skip
    parser.add_argument("--workdir", type=Path, help="keep models, bodies and server logs here (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    unknown = [name for name in args.servers.split(",") if name not in SERVERS]
    if unknown:
        print(f"unknown servers: {', '.join(unknown)}", file=sys.stderr)
        return 2
    chosen = [SERVERS[name] for name in args.servers.split(",")]

    pythons = {"vetiver": Path(sys.executable)}
    for env in dict.fromkeys(server.env for server in chosen if server.env != "vetiver"):
        pythons[env] = ensure_env(env, args.env_root, args.uv_args)
    for python in pythons.values():
        precompile(python)

    with tempfile.TemporaryDirectory(prefix="vetiver-compare-") as tmp:
        work = (args.workdir or Path(tmp)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        (work / "logs").mkdir(exist_ok=True)
        model, prototype = fitted_model()
        joblib.dump(model, work / "model.joblib")
        prototype.head(5).to_json(work / "prototype.json", orient="split", index=False, double_precision=15)
        for artifacts in dict.fromkeys(server.artifacts for server in chosen):
            env = next(server.env for server in chosen if server.artifacts == artifacts)
            subprocess.run([str(pythons[env]), str(HERE / "peers" / "prepare.py"), artifacts, str(work)], check=True,
                           env={**os.environ, **QUIET_ENV, "BENTOML_HOME": str(work / "bentoml")})  # fmt: skip
        data, _ = training_data(rows=1000, seed=1)
        rows = {n: data.head(n) for n in ROWS}
        scripts = write_bodies(chosen, work, rows)
        expected = model.predict(data.to_numpy()).ravel()

        # Cold starts first, one server at a time, with none of the others running.
        floor = python_floor(work / "model.joblib", args.cold_starts)
        cold = cold_starts(chosen, pythons, work, args.cold_starts)

        # All servers run at once (idle ones cost nearly nothing) so rounds can alternate between
        # them: background load on a shared machine then affects every server alike.
        running: dict[str, Running] = {}
        results: list[Measurement] = []
        memory: dict[str, dict[str, float]] = {}
        differences: dict[str, float] = {}
        try:
            for server in chosen:
                running[server.name], _ = start(server, pythons[server.env], work, work / "logs" / f"{server.name}.log")
            for name, server in running.items():
                differences[name] = check_predictions(server, expected, data)
            print("every server answers the same predictions (largest relative difference "
                  f"{max(differences.values()):.1e})", flush=True)  # fmt: skip
            for workload in workloads(chosen):
                results += measure_workload(running, workload, scripts, args.rounds, args.duration, args.connections)
            memory = {name: proctree.memory_mib(server.process.pid) for name, server in running.items()}
        finally:
            for server in running.values():
                stop(server.process)

    lines = report(results, cold, memory, floor)
    print("\n".join(lines))
    if args.json:
        machine = {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                   "load_average": os.getloadavg(), "rounds": args.rounds, "duration_s": args.duration,
                   "connections": args.connections}  # fmt: skip
        args.json.write_text(json.dumps({
            "machine": machine, "servers": {s.name: s.describe for s in chosen}, "results": [asdict(r) for r in results],
            "cold_start_s": cold, "python_floor_s": floor, "memory": memory, "prediction_difference": differences,
        }, indent=2))  # fmt: skip
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
