"""Pin names, versions and ``data.txt`` file entries never reach outside the pin (issue 9).

pins 0.9.2 rejects only ``/``: written unversioned, ``.`` and ``''`` deleted every other pin on the
board, ``..`` wrote into the board's parent, and reads, ``vetiver pins versions`` and ``vetiver
serve`` followed ``..`` out of the board. Every entry point now refuses such names before touching
storage; these tests snapshot the whole folder around the board to prove nothing changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pins
import pytest
import yaml
from sklearn.linear_model import LinearRegression

import vetiver
from vetiver.errors import InvalidPinNameError, VetiverError
from vetiver.storage import names, pinstore

VETIVER = str(Path(sys.executable).parent / "vetiver")

BAD_NAMES = [".", "", "..", "../x", "a/../../b", "/abs", "a\\b", "a\x00b", "c:x", ".hidden", " pad", "a\nb"]


def _model(name: str = "keep") -> vetiver.VetiverModel:
    X, y = vetiver.get_mock_data(seed=1)
    return vetiver.VetiverModel(LinearRegression().fit(X, y), name, prototype_data=X)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def nested(tmp_path) -> tuple[Path, object]:
    """A board inside a folder that itself holds a pin, so an escape would find something."""
    outer = pins.board_folder(str(tmp_path), allow_pickle_read=True)
    vetiver.vetiver_pin_write(outer, _model("outer"))
    root = tmp_path / "outer" / "board"
    root.mkdir()
    board = pins.board_folder(str(root), allow_pickle_read=True, versioned=False)
    vetiver.vetiver_pin_write(board, _model("keep"))
    return tmp_path, board


@pytest.mark.parametrize("bad", BAD_NAMES)
def test_writes_with_a_bad_name_touch_nothing(nested, bad):
    top, board = nested
    before = _snapshot(top)
    model = _model()
    model.model_name = bad  # VetiverModel() refuses '' itself; the pin writer must refuse all
    with pytest.raises(InvalidPinNameError) as raised:
        vetiver.vetiver_pin_write(board, model, versioned=False)
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, VetiverError)
    assert "pin name" in str(raised.value)
    assert _snapshot(top) == before


@pytest.mark.parametrize("bad", ["..", ".", ""])
def test_reads_with_a_bad_name_do_not_escape(nested, bad):
    _, board = nested
    with pytest.raises(InvalidPinNameError):
        vetiver.VetiverModel.from_pin(board, bad)
    with pytest.raises(InvalidPinNameError):
        pinstore.list_versions(board, bad)


@pytest.mark.parametrize("bad", ["..", "../..", "", "/etc", ".vetiver-staging-x"])
def test_bad_versions_are_refused(nested, bad):
    _, board = nested
    with pytest.raises(InvalidPinNameError):
        vetiver.VetiverModel.from_pin(board, "keep", version=bad)


def test_deploy_targets_refuse_bad_names(nested, tmp_path):
    _, board = nested
    with pytest.raises(InvalidPinNameError):
        vetiver.prepare("docker", board, "..", tmp_path / "bundle")
    with pytest.raises(InvalidPinNameError):
        vetiver.prepare("docker", board, "keep", tmp_path / "bundle", version="../..")


def test_data_txt_file_must_stay_in_its_version_folder(nested):
    top, board = nested
    version = pinstore.latest_version(board, "keep")
    data_txt = Path(board.board, "keep", version, "data.txt")
    data = yaml.safe_load(data_txt.read_text())
    # Point at the outer pin's file, whose hash is genuine: only the path check can stop this.
    outer_version = pinstore.latest_version(pins.board_folder(str(top)), "outer")
    outer_meta = yaml.safe_load((top / "outer" / outer_version / "data.txt").read_text())
    data["file"] = f"../../../{outer_version}/outer.joblib"
    data["pin_hash"] = outer_meta["pin_hash"]
    data_txt.write_text(yaml.safe_dump(data))
    with pytest.raises(InvalidPinNameError, match="data file"):
        vetiver.VetiverModel.from_pin(board, "keep")


def test_connect_names_may_have_an_owner():
    assert names.validate_pin_name("me/cars", owner_allowed=True) == "me/cars"
    for bad in ("../cars", "me/..", "me/", "/cars"):
        with pytest.raises(InvalidPinNameError):
            names.validate_pin_name(bad, owner_allowed=True)


def _cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "PINS_ALLOW_PICKLE_READ": "1"}
    return subprocess.run([VETIVER, *args], capture_output=True, text=True, env=env, timeout=timeout)


def test_cli_pins_versions_refuses_dot_dot(nested):
    _, board = nested
    result = _cli("pins", "versions", board.board, "..")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "pin name '..'" in result.stderr


def test_cli_serve_refuses_dot_dot_without_serving(nested):
    _, board = nested
    # Before the fix this served the parent folder's pin (and so never returned).
    result = _cli("serve", board.board, "..", "--allow-pickle", "--port", "0")
    assert result.returncode == 1
    assert "pin name '..'" in result.stderr
