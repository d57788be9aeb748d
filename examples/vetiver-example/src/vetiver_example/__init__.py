"""An example vetiver plugin implementing every hook (see README.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, ClassVar

from vetiver import hookimpl
from vetiver.handlers.base import BaseHandler
from vetiver.hookspecs import DeployTarget, ModelFormat, ServingRuntime, StorageBackend

__version__ = "0.1.0"


class MeanModel:
    """A toy model: predicts the mean it was fitted on, plus ``slope`` times column ``x``."""

    def __init__(self, mean: float = 0.0, slope: float = 0.0) -> None:
        self.mean = mean
        self.slope = slope

    def fit(self, xs: list[float], ys: list[float]) -> MeanModel:
        self.mean = sum(ys) / len(ys)
        return self

    def predict(self, frame: Any) -> list[float]:
        return [self.mean + self.slope * float(x) for x in frame["x"]]


# --- model handler -------------------------------------------------------------------------------


class MeanModelHandler(BaseHandler):
    pip_name: ClassVar[str] = "vetiver-example"
    handler_name: ClassVar[str] = "example"
    model_format: ClassVar[str] = "example-json"


@hookimpl
def handler_for_model(model: Any, prototype_data: Any) -> BaseHandler | None:
    if isinstance(model, MeanModel):
        return MeanModelHandler(model, prototype_data)
    return None


@hookimpl
def model_formats() -> list[ModelFormat]:
    def save(model: MeanModel, path: Path) -> None:
        path.write_text(json.dumps({"mean": model.mean, "slope": model.slope}))

    def load(path: Path) -> MeanModel:
        return MeanModel(**json.loads(path.read_text()))

    return [ModelFormat("example-json", ".json", save, load, uses_pickle=False, pin_type="file")]


# --- storage backend -----------------------------------------------------------------------------


def _memory_board(url: str, **options: Any) -> Any:
    import pins

    path = url.split("://", 1)[1] or "/"
    return pins.board("memory", path=path, cache=None, **options)


@hookimpl
def storage_backends() -> list[StorageBackend]:
    return [StorageBackend("memory", ("memory",), _memory_board, description="in-process memory board")]


# --- serving runtime -----------------------------------------------------------------------------


def _add_info_route(api: Any) -> None:
    from starlette.responses import JSONResponse

    async def info(request: Any) -> JSONResponse:
        return JSONResponse({"runtime": "example", "model": api.model.model_name})

    api.app.add_route("/example-info", info, methods=["GET"])


def _serve(app: Any, *, host: str, port: int, workers: int = 1, **options: Any) -> None:
    import uvicorn

    uvicorn.run(
        app, host=host, port=port, workers=workers, log_level="warning", factory=isinstance(app, str), **options
    )


@hookimpl
def serving_runtimes() -> list[ServingRuntime]:
    return [
        ServingRuntime(
            "example", _serve, extend_app=_add_info_route, description="uvicorn, quietly, with /example-info"
        )
    ]


# --- deploy target -------------------------------------------------------------------------------


def _prepare(board: Any, name: str, path: Path, version: str | None = None, **options: Any) -> Path:
    from vetiver.storage import pinstore
    from vetiver.storage.boards import get_board_pkgs

    version = version or pinstore.latest_version(board, name)
    (path / "app.py").write_text(
        "import vetiver\n"
        f"model = vetiver.VetiverModel.from_pin(vetiver.board({board.board!r}), {name!r}, version={version!r})\n"
        "api = vetiver.VetiverAPI(model).app\n"
    )
    (path / "requirements.txt").write_text("\n".join(["vetiver-core", *get_board_pkgs(board)]) + "\n")
    return path


def _deploy(board: Any, name: str, version: str | None = None, *, path: str = ".", **options: Any) -> str:
    folder = _prepare(board, name, Path(path), version)
    return shutil.make_archive(str(Path(path) / f"{name}-bundle"), "zip", folder)


@hookimpl
def deploy_targets() -> list[DeployTarget]:
    return [DeployTarget("bundle", _prepare, _deploy, description="a zipped app folder", options=("path",))]
