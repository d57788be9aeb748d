"""Cold start of ``vetiver serve`` per handler plugin, against the floor, and where the time goes.

For each installed handler plugin (scikit-learn, xgboost, statsmodels, torch) a small model on 3
numeric columns is pinned to a folder board. Then, each in fresh processes:

* **floor**: a bare ``python -c`` importing the framework and loading the pin's model file with
  the framework's own loader (``joblib.load``, ``xgboost.Booster``, ``torch.export.load``);
* **vetiver serve**: process start to the first 200 on ``/ping``;
* **phases**: the same steps ``vetiver serve`` takes, timed in one interpreter: vetiver's imports,
  reading the pin's metadata, loading the model (file read, hash check, framework import,
  deserializing), building the app, importing the server; plus the heaviest top-level imports
  (``-X importtime``).

    python bench/serving/coldstart.py [--repeats 5] [--json coldstart.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from compare import _get  # noqa: E402
from loadgen import free_port  # noqa: E402
from model import COLUMNS, fitted_model, training_data  # noqa: E402
from peer_envs import precompile  # noqa: E402

import vetiver  # noqa: E402


def _sklearn():
    model, X = fitted_model()
    return model, X, "import joblib; joblib.load({path!r})"


def _xgboost():
    import xgboost

    X, y = training_data()
    booster = xgboost.train({"max_depth": 2}, xgboost.DMatrix(X, label=y), num_boost_round=10)
    return booster, X, "import xgboost; xgboost.Booster(model_file={path!r})"


def _statsmodels():
    import statsmodels.api as sm

    X, y = training_data()
    return sm.OLS(y, X).fit(), X, "import joblib; joblib.load({path!r})"


def _torch():
    import torch

    X, _ = training_data()
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(len(COLUMNS), 8), torch.nn.ReLU(), torch.nn.Linear(8, 1)).eval()
    return module, X.to_numpy().astype("float32"), "import torch; torch.export.load({path!r}).module()"


PLUGINS = {"sklearn": _sklearn, "xgboost": _xgboost, "statsmodels": _statsmodels, "torch": _torch}

# Run in a fresh interpreter with the board and pin name as arguments; prints the phases as JSON.
PHASES = r"""
import json, sys, time
t = [time.perf_counter()]
from vetiver.cli import main as _cli
from vetiver.serving.app_factory import ServeSettings, load_api
from vetiver.storage.boards import board as open_board
t.append(time.perf_counter())
pins_board = open_board(sys.argv[1], allow_pickle_read=True)
pins_board.pin_meta(sys.argv[2])
t.append(time.perf_counter())
from vetiver import VetiverModel
model = VetiverModel.from_pin(pins_board, sys.argv[2])
t.append(time.perf_counter())
from vetiver import VetiverAPI
api = VetiverAPI(model, access_log=False)
t.append(time.perf_counter())
import uvicorn, uvicorn.main
t.append(time.perf_counter())
names = ["vetiver imports", "pin metadata read", "model load", "app build", "server import"]
print(json.dumps({name: round(b - a, 4) for name, a, b in zip(names, t, t[1:])}))
"""


def _env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def _wall(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, env=_env(), stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def serve_cold_start(board: Path, name: str) -> float:
    port = free_port()
    argv = [str(Path(sys.executable).parent / "vetiver"), "serve", str(board), name, "--port", str(port),
            "--allow-pickle", "--no-access-log"]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while _get(port, "/ping") != 200:
            if process.poll() is not None:
                raise RuntimeError(f"vetiver serve exited with {process.returncode}")
            time.sleep(0.005)
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)


def heaviest_imports(board: Path, name: str, top: int = 12) -> dict[str, float]:
    """Milliseconds per top-level package imported by the phases script (``-X importtime``)."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", PHASES, str(board), name],
                            capture_output=True, text=True, check=True, env=_env())  # fmt: skip
    totals: dict[str, float] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, module = line.split("|")
        if module.startswith("  ") or not cumulative.strip().isdigit():
            continue  # nested: already counted in the package that imported it
        package = module.strip().split(".")[0]
        totals[package] = totals.get(package, 0.0) + int(cumulative) / 1000
    return {key: round(value) for key, value in sorted(totals.items(), key=lambda kv: -kv[1])[:top]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--plugins", default=",".join(PLUGINS))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    precompile(Path(sys.executable))
    report = {}
    with tempfile.TemporaryDirectory(prefix="vetiver-coldstart-") as tmp:
        board_path = Path(tmp) / "board"
        board = vetiver.board(str(board_path), allow_pickle_read=True)
        for plugin in args.plugins.split(","):
            try:
                model, prototype, floor_code = PLUGINS[plugin]()
            except ImportError as error:
                print(f"{plugin}: skipped ({error})")
                continue
            name = f"m-{plugin}"
            vetiver.vetiver_pin_write(board, vetiver.VetiverModel(model, name, prototype_data=prototype))
            (model_file,) = [p for p in (board_path / name).glob("*/*") if p.name != "data.txt"]
            floor = [
                _wall([sys.executable, "-c", floor_code.format(path=str(model_file))]) for _ in range(args.repeats)
            ]
            serve = [serve_cold_start(board_path, name) for _ in range(args.repeats)]
            phases = [json.loads(subprocess.run([sys.executable, "-c", PHASES, str(board_path), name], env=_env(),
                                                capture_output=True, text=True, check=True).stdout)
                      for _ in range(args.repeats)]  # fmt: skip
            row = {
                "floor_s": round(statistics.median(floor), 3),
                "vetiver_serve_s": round(statistics.median(serve), 3),
                "phases_s": {key: round(statistics.median(p[key] for p in phases), 3) for key in phases[0]},
                "imports_ms": heaviest_imports(board_path, name),
            }
            row["ratio"] = round(row["vetiver_serve_s"] / row["floor_s"], 2)
            report[plugin] = row
            print(f"{plugin:12} floor {row['floor_s']:.2f} s  vetiver serve {row['vetiver_serve_s']:.2f} s  "
                  f"ratio {row['ratio']:.2f}  phases {row['phases_s']}\n{'':12} imports (ms) {row['imports_ms']}",
                  flush=True)  # fmt: skip
            if args.json:  # after every plugin: a long run that is stopped keeps what it measured
                args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
