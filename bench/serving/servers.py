"""The servers compared by ``compare.py``: how each starts, what it is sent, what it answers.

Each runs the same fitted model file in one worker on 127.0.0.1, with its recommended production
command, its own request format and its access log off (so every server does the same work per
request). Bodies are built from the same rows for every server; ``decode`` turns an answer back
into the list of predictions, which ``compare.py`` checks against ``model.predict`` before timing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

JSON = "application/json"
ARROW = "application/vnd.apache.arrow.stream"


def records(rows: pd.DataFrame) -> bytes:
    """``[{"x1": ..., ...}, ...]``: floats written with repr, so every server reads the same numbers."""
    return json.dumps(rows.to_dict(orient="records")).encode()


def columnar(rows: pd.DataFrame) -> dict:
    return {"columns": list(rows.columns), "data": rows.to_numpy().tolist()}


def arrow_stream(rows: pd.DataFrame) -> bytes:
    sink = pa.BufferOutputStream()
    table = pa.Table.from_pandas(rows, preserve_index=False)
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _vetiver_body(fmt: str, rows: pd.DataFrame) -> tuple[bytes, str]:
    if fmt == "json":
        return records(rows), JSON
    if fmt == "columnar":
        return json.dumps(columnar(rows)).encode(), JSON
    return arrow_stream(rows), ARROW


def _mlserver_body(fmt: str, rows: pd.DataFrame) -> tuple[bytes, str]:
    # Open Inference Protocol: one FP64 tensor [rows, 3], decoded by MLServer's NumPy codec.
    tensor = {
        "name": "input-0",
        "shape": list(rows.shape),
        "datatype": "FP64",
        "data": rows.to_numpy().ravel().tolist(),
    }
    return json.dumps({"inputs": [tensor]}).encode(), JSON


def _bentoml_body(fmt: str, rows: pd.DataFrame) -> tuple[bytes, str]:
    return json.dumps({"input": rows.to_numpy().tolist()}).encode(), JSON


def _mlflow_body(fmt: str, rows: pd.DataFrame) -> tuple[bytes, str]:
    # The pandas "split" orientation is the format MLflow's serving docs show first.
    return json.dumps({"dataframe_split": columnar(rows)}).encode(), JSON


@dataclass(frozen=True)
class Ports:
    http: int
    extra: tuple[int, ...] = ()  # MLServer's gRPC and metrics ports


@dataclass(frozen=True)
class Server:
    """One server under test."""

    name: str
    env: str  # "vetiver" (the benchmark's own environment) or a peer environment in peers/
    artifacts: str  # the prepare.py target whose output it serves
    describe: str
    ready_path: str
    predict_path: str
    body: Callable[[str, pd.DataFrame], tuple[bytes, str]]
    decode: Callable[[object], list[float]]
    command: Callable[[Path, Path, Ports], tuple[list[str], Path, dict[str, str]]]
    formats: tuple[str, ...] = ("json",)
    extra_ports: int = 0


def _bin(python: Path, script: str) -> str:
    return str(python.parent / script)


def _vetiver_command(python: Path, work: Path, ports: Ports) -> tuple[list[str], Path, dict[str, str]]:
    board = work / "vetiver" / "board"
    argv = [_bin(python, "vetiver"), "serve", str(board), "lm", "--port", str(ports.http), "--allow-pickle",
            "--no-access-log"]  # fmt: skip
    return argv, work, {}


def _legacy_command(python: Path, work: Path, ports: Ports) -> tuple[list[str], Path, dict[str, str]]:
    argv = [str(python), "-m", "uvicorn", "app:api", "--host", "127.0.0.1", "--port", str(ports.http),
            "--no-access-log"]  # fmt: skip
    return argv, work / "vetiver-0.2.6", {}


def _mlserver_command(parallel_workers: int | None) -> Callable[..., tuple[list[str], Path, dict[str, str]]]:
    def command(python: Path, work: Path, ports: Ports) -> tuple[list[str], Path, dict[str, str]]:
        grpc, metrics = ports.extra
        env = {
            "MLSERVER_HOST": "127.0.0.1",
            "MLSERVER_HTTP_PORT": str(ports.http),
            "MLSERVER_GRPC_PORT": str(grpc),
            "MLSERVER_METRICS_PORT": str(metrics),
            "MLSERVER_DEBUG": "false",  # its default (true) turns on uvicorn's access log
        }
        if parallel_workers is not None:
            env["MLSERVER_PARALLEL_WORKERS"] = str(parallel_workers)
        return [_bin(python, "mlserver"), "start", str(work / "mlserver")], work, env

    return command


def _bentoml_command(python: Path, work: Path, ports: Ports) -> tuple[list[str], Path, dict[str, str]]:
    argv = [_bin(python, "bentoml"), "serve", "bentoml_service:LinearModel", "--host", "127.0.0.1",
            "--port", str(ports.http)]  # fmt: skip
    return argv, Path(__file__).resolve().parent / "peers", {"BENTOML_HOME": str(work / "bentoml")}


def _mlflow_command(python: Path, work: Path, ports: Ports) -> tuple[list[str], Path, dict[str, str]]:
    argv = [_bin(python, "mlflow"), "models", "serve", "-m", str(work / "mlflow" / "model"), "-h", "127.0.0.1",
            "-p", str(ports.http), "--env-manager", "local", "-w", "1"]  # fmt: skip
    # mlflow starts uvicorn's command line, which reads UVICORN_* variables.
    return argv, work, {"UVICORN_ACCESS_LOG": "false"}


def _vetiver_answer(answer: object) -> list[float]:
    return answer["predict"]  # type: ignore[index]


def _mlserver_answer(answer: object) -> list[float]:
    return answer["outputs"][0]["data"]  # type: ignore[index]


def _vetiver(name: str, describe: str) -> Server:
    return Server(name, "vetiver", "vetiver", describe, "/ping", "/predict", _vetiver_body, _vetiver_answer,
                  _vetiver_command, formats=("json", "columnar", "arrow"))  # fmt: skip


def _mlserver(name: str, parallel_workers: int | None, describe: str) -> Server:
    return Server(name, "mlserver", "mlserver", describe, "/v2/health/ready", "/v2/models/lm/infer", _mlserver_body,
                  _mlserver_answer, _mlserver_command(parallel_workers), extra_ports=2)  # fmt: skip


SERVERS: dict[str, Server] = {
    server.name: server
    for server in (
        _vetiver("vetiver", "vetiver-core: `vetiver serve BOARD lm --no-access-log` (uvicorn, one worker)"),
        _vetiver("vetiver-twin", "the same command again: the noise band"),
        _mlserver("mlserver-pw0", 0, "MLServer 1.7 + mlserver-sklearn, `parallel_workers=0` (inference in the HTTP process)"),
        _mlserver("mlserver", None, "MLServer 1.7 + mlserver-sklearn, defaults (`parallel_workers=1`: one inference process)"),
        Server("bentoml", "bentoml", "bentoml", "BentoML 1.4 `bentoml serve` (production mode), `workers=1`, np.ndarray input",
               "/readyz", "/predict", _bentoml_body, lambda answer: answer, _bentoml_command),
        Server("mlflow", "mlflow", "mlflow", "MLflow 3.17 `mlflow models serve --env-manager local -w 1`, `dataframe_split`",
               "/ping", "/invocations", _mlflow_body, lambda answer: answer["predictions"], _mlflow_command),
        Server("vetiver-0.2.6", "vetiver-0.2.6", "vetiver-0.2.6", "vetiver-python 0.2.6: `write_app` + `uvicorn app:api`",
               "/ping", "/predict", lambda fmt, rows: (records(rows), JSON), _vetiver_answer, _legacy_command),
    )
}  # fmt: skip
