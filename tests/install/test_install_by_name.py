"""The README's install line before anything is published: in a fresh virtual environment, pip
installs vetiver-core and a plugin *by name* from the folder ``nox -s install`` fills (the wheels
of ``nox -s wheels`` plus their dependencies), with no package index at all.

The nox ``install`` session sets ``VETIVER_WHEELHOUSE`` (the folder) and ``VETIVER_INSTALL_NAMES``
(what to install); elsewhere this test is skipped with that reason.
"""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

import pytest

WHEELHOUSE = os.environ.get("VETIVER_WHEELHOUSE")
NAMES = os.environ.get("VETIVER_INSTALL_NAMES", "vetiver-core vetiver-xgboost").split()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not WHEELHOUSE, reason="needs the wheelhouse of `nox -s install` (VETIVER_WHEELHOUSE)"),
]

ROUND_TRIP = """
import numpy as np, pandas as pd, pins, xgboost, vetiver
X = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) % 3})
booster = xgboost.train({"max_depth": 2}, xgboost.DMatrix(X, label=X["a"] * 2), num_boost_round=5)
model = vetiver.VetiverModel(booster, "boost", prototype_data=X)
board = pins.board_folder("board")
vetiver.vetiver_pin_write(board, model)
served = vetiver.VetiverModel.from_pin(board, "boost")
print(len(served.handler_predict(X.head(3), check_prototype=True)))
"""


def _isolated_env() -> dict[str, str]:
    """This machine's pip settings removed: only the command line says where packages come from."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "VIRTUAL_ENV", "PYTHONPATH"))}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A new virtual environment where ``pip install --no-index --find-links DIR NAMES`` ran."""
    folder = tmp_path_factory.mktemp("fresh") / "venv"
    venv.EnvBuilder(with_pip=True).create(folder)
    python = folder / "bin" / "python"
    # --no-compile: byte-compiling pandas, pyarrow and xgboost is most of pip's time, and is not
    # what this test is about (resolving the names from the folder is)
    command = [
        str(python),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-compile",
        "--no-index",
        "--find-links",
        WHEELHOUSE,
        *NAMES,
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=_isolated_env(), timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder


def test_the_names_install_from_the_folder_alone(fresh: Path):
    listed = subprocess.run(
        [str(fresh / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        env=_isolated_env(),
        check=True,
    ).stdout
    installed = {line.split("==")[0].lower() for line in listed.splitlines()}
    assert set(NAMES) <= installed


def test_the_cli_finds_the_plugin(fresh: Path):
    result = subprocess.run(
        [str(fresh / "bin" / "vetiver"), "plugins"], capture_output=True, text=True, env=_isolated_env(), timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "vetiver-xgboost" in result.stdout


def test_python_m_vetiver_is_the_cli(fresh: Path):
    result = subprocess.run(
        [str(fresh / "bin" / "python"), "-m", "vetiver", "--help"],
        capture_output=True,
        text=True,
        env=_isolated_env(),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: vetiver" in result.stdout


@pytest.mark.skipif("vetiver-xgboost" not in NAMES, reason="the round trip uses xgboost")
def test_an_xgboost_model_round_trips_through_a_pin(fresh: Path, tmp_path):
    result = subprocess.run(
        [str(fresh / "bin" / "python"), "-c", ROUND_TRIP],
        capture_output=True,
        text=True,
        env=_isolated_env(),
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "3"
