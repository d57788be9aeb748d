"""Signed pins (issue 9): a reader with the key refuses unsigned and wrongly signed pins, saying
which, before anything is unpickled; ``vetiver serve`` and the Docker target pass the key on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sklearn.linear_model import LinearRegression

import vetiver
from vetiver.errors import PinError, PinSignatureError
from vetiver.storage import pinstore, signing

VETIVER = str(Path(sys.executable).parent / "vetiver")
KEY = "correct horse battery staple"


class _Marker:
    """Unpickling this creates a file: proof that a model file was loaded."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.fixture(autouse=True)
def _no_key_in_env(monkeypatch):
    monkeypatch.delenv(signing.KEY_ENV, raising=False)
    monkeypatch.delenv(signing.REQUIRED_ENV, raising=False)


def _model(name: str = "cars") -> vetiver.VetiverModel:
    X, y = vetiver.get_mock_data(seed=1)
    return vetiver.VetiverModel(LinearRegression().fit(X, y), name, prototype_data=X, metadata={"team": "a"})


def _data_txt(board, name: str) -> Path:
    return Path(board.board, name, pinstore.latest_version(board, name), "data.txt")


def test_signed_pin_round_trips_and_records_the_signature(board):
    vetiver.vetiver_pin_write(board, _model(), key=KEY)
    stored = yaml.safe_load(_data_txt(board, "cars").read_text())["user"][signing.SIGNATURE_KEY]
    assert stored["algorithm"] == "hmac-sha256" and set(stored["files"]) == {"cars.joblib"}
    again = vetiver.VetiverModel.from_pin(board, "cars", key=KEY)
    assert again.metadata.user == {"team": "a"}
    vetiver.VetiverModel.from_pin(board, "cars")  # a reader without a key does not check


def test_unsigned_pin_is_refused_before_unpickling(board, tmp_path):
    marker = tmp_path / "unpickled"
    board.pin_write(_Marker(str(marker)), "cars", type="joblib")
    with pytest.raises(PinSignatureError, match="is unsigned"):
        vetiver.VetiverModel.from_pin(board, "cars", key=KEY)
    assert not marker.exists()


def test_wrong_key_is_refused(board):
    vetiver.vetiver_pin_write(board, _model(), key=KEY)
    with pytest.raises(PinSignatureError, match="signed with a different key"):
        vetiver.VetiverModel.from_pin(board, "cars", key="another key")


def test_edited_metadata_is_refused(board):
    vetiver.vetiver_pin_write(board, _model(), key=KEY)
    path = _data_txt(board, "cars")
    data = yaml.safe_load(path.read_text())
    data["user"]["vetiver_meta"]["prototype_schema"]["properties"]["B"]["type"] = "string"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(PinSignatureError, match="metadata changed"):
        vetiver.VetiverModel.from_pin(board, "cars", key=KEY)


def test_swapped_file_with_recomputed_pin_hash_is_refused(board, tmp_path):
    """The attack the pin hash cannot stop: new file, matching pin_hash, same signature entry."""
    vetiver.vetiver_pin_write(board, _model(), key=KEY)
    path = _data_txt(board, "cars")
    marker = tmp_path / "unpickled"
    import joblib
    from xxhash import xxh64

    joblib.dump(_Marker(str(marker)), path.parent / "cars.joblib")
    data = yaml.safe_load(path.read_text())
    data["pin_hash"] = xxh64((path.parent / "cars.joblib").read_bytes()).hexdigest()
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(PinSignatureError, match="data files are not the ones that were signed"):
        vetiver.VetiverModel.from_pin(board, "cars", key=KEY)
    assert not marker.exists()


def test_key_from_the_environment_and_required_flag(board, monkeypatch):
    monkeypatch.setenv(signing.KEY_ENV, KEY)
    vetiver.vetiver_pin_write(board, _model())
    vetiver.VetiverModel.from_pin(board, "cars")
    monkeypatch.setenv(signing.KEY_ENV, "other")
    with pytest.raises(PinSignatureError):
        vetiver.VetiverModel.from_pin(board, "cars")
    monkeypatch.delenv(signing.KEY_ENV)
    monkeypatch.setenv(signing.REQUIRED_ENV, "1")
    with pytest.raises(PinError, match="VETIVER_PIN_KEY"):
        vetiver.VetiverModel.from_pin(board, "cars")


def test_signing_an_identical_unsigned_pin_adds_the_signature(board):
    model = _model()
    vetiver.vetiver_pin_write(board, model)
    vetiver.vetiver_pin_write(board, model, key=KEY)  # same content: must not be a no-op
    vetiver.VetiverModel.from_pin(board, "cars", key=KEY)


def test_vetiver_serve_refuses_a_wrongly_signed_pin(board):
    vetiver.vetiver_pin_write(board, _model(), key=KEY)
    env = {**os.environ, signing.KEY_ENV: "other", "PINS_ALLOW_PICKLE_READ": "1"}
    result = subprocess.run([VETIVER, "serve", board.board, "cars", "--port", "0"], capture_output=True,
                            text=True, env=env, timeout=120)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "signed with a different key" in result.stderr


def test_docker_target_verifies_and_requires_the_key_in_the_image(board, tmp_path, monkeypatch):
    vetiver.vetiver_pin_write(board, _model(), key=KEY)
    monkeypatch.setenv(signing.KEY_ENV, "other")
    with pytest.raises(PinSignatureError):
        vetiver.prepare("docker", board, "cars", tmp_path / "bad")
    monkeypatch.setenv(signing.KEY_ENV, KEY)
    folder = vetiver.prepare("docker", board, "cars", tmp_path / "good")
    dockerfile = (folder / "Dockerfile").read_text()
    assert "VETIVER_PIN_KEY_REQUIRED=1" in dockerfile or 'VETIVER_PIN_KEY_REQUIRED="1"' in dockerfile
    assert KEY not in dockerfile and not any(KEY in p.read_text(errors="ignore") for p in folder.rglob("*")
                                             if p.is_file() and p.suffix != ".joblib")  # fmt: skip
