"""Package the benchmark's fitted model the way one server expects it.

Run by ``compare.py`` with each server's own environment's python, so every artifact is written
by the library that will read it:

    python prepare.py SERVER WORKDIR

reads ``WORKDIR/model.joblib`` (the LinearRegression fitted once by ``compare.py``) and
``WORKDIR/prototype.json`` (a few rows of its training data) and writes ``WORKDIR/<SERVER>/``.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import joblib
import pandas as pd

NAME = "lm"


def vetiver(model, prototype: pd.DataFrame, out: Path) -> None:
    """A pin on a folder board, written by vetiver-core (``vetiver serve out/board lm``)."""
    import pins

    import vetiver

    board = pins.board_folder(str(out / "board"), allow_pickle_read=True)
    vetiver.vetiver_pin_write(board, vetiver.VetiverModel(model, NAME, prototype_data=prototype))


def vetiver_026(model, prototype: pd.DataFrame, out: Path) -> None:
    """A pin written by vetiver 0.2.6 and the ``app.py`` its ``write_app`` generates for it
    (served with ``uvicorn app:api``, as 0.2.6's generated Dockerfile does)."""
    import pins

    import vetiver

    board = pins.board_folder(str(out / "board"), allow_pickle_read=True)
    vetiver.vetiver_pin_write(board, vetiver.VetiverModel(model, NAME, prototype_data=prototype))
    vetiver.write_app(board, NAME, file=str(out / "app.py"))


def mlserver(model, prototype: pd.DataFrame, out: Path) -> None:
    """A model repository with one model for MLServer's scikit-learn runtime. Server settings
    (ports, parallel_workers) come from MLSERVER_* environment variables per instance."""
    shutil.copy(out.parent / "model.joblib", out / "model.joblib")
    settings = {
        "name": NAME,
        "implementation": "mlserver_sklearn.SKLearnModel",
        "parameters": {"uri": "./model.joblib"},
    }
    (out / "model-settings.json").write_text(json.dumps(settings))


def bentoml(model, prototype: pd.DataFrame, out: Path) -> None:
    """The model in a BentoML model store (BENTOML_HOME=out/home), read by bentoml_service.py."""
    import bentoml

    bentoml.sklearn.save_model(NAME, model)


def mlflow(model, prototype: pd.DataFrame, out: Path) -> None:
    """An MLflow model folder with a signature (``mlflow models serve -m out/model``)."""
    import mlflow
    from mlflow.models import infer_signature

    signature = infer_signature(prototype, model.predict(prototype))
    mlflow.sklearn.save_model(model, str(out / "model"), signature=signature, input_example=prototype.head(1))


PREPARE = {"vetiver": vetiver, "vetiver-0.2.6": vetiver_026, "mlserver": mlserver, "bentoml": bentoml, "mlflow": mlflow}


def main() -> None:
    server, workdir = sys.argv[1], Path(sys.argv[2])
    out = workdir / server
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    model = joblib.load(workdir / "model.joblib")
    prototype = pd.read_json(workdir / "prototype.json", orient="split")
    PREPARE[server](model, prototype, out)


if __name__ == "__main__":
    main()
