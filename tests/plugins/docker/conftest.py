"""Pinned scikit-learn models on folder boards, and the Docker engine session fixture."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pins
import pytest
from sklearn.linear_model import LinearRegression

import vetiver
from tests.support.docker_engine import docker_testbed  # noqa: F401 - a session fixture

NAME = "cars"


@dataclass
class Pinned:
    """A folder board holding two versions of one pin, oldest first."""

    path: Path
    board: object
    name: str
    versions: list[str]
    models: list[vetiver.VetiverModel]
    rows: pd.DataFrame


def fitted(seed: int) -> vetiver.VetiverModel:
    X, y = vetiver.get_mock_data(seed=seed)
    return vetiver.VetiverModel(LinearRegression().fit(X, y), NAME, prototype_data=X)


def pin_two_versions(path: Path) -> Pinned:
    board = pins.board_folder(str(path), allow_pickle_read=True)
    models = [fitted(1), fitted(2)]
    versions = [vetiver.vetiver_pin_write(board, model).version.version for model in models]
    rows, _ = vetiver.get_mock_data(seed=9)
    return Pinned(path, board, NAME, versions, models, rows.head(5))


@pytest.fixture(scope="session", autouse=True)
def _wheel_cache(tmp_path_factory):
    """A wheel cache of this test session's own (subprocesses inherit it through the environment)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VETIVER_CACHE_DIR", str(tmp_path_factory.mktemp("vetiver-cache")))
        yield


@pytest.fixture
def pinned(tmp_path) -> Pinned:
    """Two versions of a LinearRegression pin on a folder board that allows pickle reads."""
    return pin_two_versions(tmp_path / "board")


@dataclass
class Prepared:
    """A build context prepared with default options, and the pin it serves."""

    pinned: Pinned
    context: Path


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Prepared:
    """One default build context per test module (preparing builds wheels: a few seconds)."""
    folder = tmp_path_factory.mktemp("prepared")
    pinned = pin_two_versions(folder / "board")
    return Prepared(pinned, vetiver.prepare("docker", pinned.board, pinned.name, folder / "ctx"))
