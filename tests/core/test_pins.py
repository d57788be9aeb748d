"""Pinning models on real folder boards: format, latest, consent, integrity, unversioned writes."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pandas as pd
import pins
import pytest
import yaml
from sklearn.linear_model import LinearRegression

import vetiver
from vetiver.errors import PickleConsentError, PinError, PinIntegrityError, PinNotFoundError
from vetiver.storage import pinstore


def _model(seed: int = 1, name: str = "cars") -> vetiver.VetiverModel:
    X, y = vetiver.get_mock_data(seed=seed)
    return vetiver.VetiverModel(LinearRegression().fit(X, y), name, prototype_data=X, metadata={"owner": "me"})


def _data_txt(board, name: str, version: str) -> dict:
    return yaml.safe_load(Path(board.board, name, version, "data.txt").read_text())


def test_pin_has_the_0_2_6_layout_plus_lossless_schema(board):
    model = _model()
    meta = vetiver.vetiver_pin_write(board, model)
    data = _data_txt(board, "cars", meta.version.version)

    assert data["type"] == "joblib"
    assert data["file"] == "cars.joblib"
    assert data["api_version"] == 1
    assert data["title"] == "cars: a pinned LinearRegression object"
    assert data["description"] == "A scikit-learn LinearRegression model"
    assert data["user"]["user"] == {"owner": "me"}
    stored = data["user"]["vetiver_meta"]
    assert yaml.safe_load(stored["prototype"]).keys() == {"B", "C", "D"}  # 0.2.6's JSON string
    assert stored["required_pkgs"][0].startswith("scikit-learn==")
    assert stored["python_version"][:2] == [3, 11] or stored["python_version"][0] == 3
    assert stored["prototype_schema"]["properties"]["B"]["x-vetiver-dtype"] == "int64"
    assert stored["model_format"] == "joblib"
    assert stored["handler_plugin"] == "vetiver-sklearn"
    assert len(data["pin_hash"]) == 16


def test_round_trip_keeps_model_prototype_and_metadata(board):
    model = _model()
    meta = vetiver.vetiver_pin_write(board, model)
    again = vetiver.VetiverModel.from_pin(board, "cars")

    X, _ = vetiver.get_mock_data(seed=2)
    assert again.model.predict(X).tolist() == model.model.predict(X).tolist()
    assert again.schema == model.schema
    assert again.metadata.user == {"owner": "me"}
    assert again.metadata.version == meta.version.version
    assert again.description == model.description
    # plain pins reads it too
    assert board.pin_read("cars").predict(X).tolist() == model.model.predict(X).tolist()


def test_board_urls_work_like_boards(tmp_path):
    url = str(tmp_path / "b")
    vetiver.vetiver_pin_write(vetiver.board(url), _model())
    again = vetiver.VetiverModel.from_pin(vetiver.board(f"file://{url}", allow_pickle_read=True), "cars")
    assert again.model_name == "cars"


def test_latest_is_the_newest_version_even_within_one_second(board):
    written = []
    for seed in range(4):
        written.append(vetiver.vetiver_pin_write(board, _model(seed)).version.version)
    versions = [v.version for v in pinstore.list_versions(board, "cars")]
    assert versions == written  # write order == sort order, though all fall in a second or two
    assert len(set(written)) == 4
    latest = vetiver.VetiverModel.from_pin(board, "cars")
    assert latest.metadata.version == written[-1]
    assert board.pin_meta("cars").version.version == written[-1]  # pins agrees
    first = vetiver.VetiverModel.from_pin(board, "cars", version=written[0])
    X, _ = vetiver.get_mock_data(seed=9)
    assert first.model.predict(X).tolist() == _model(0).model.predict(X).tolist()


def test_identical_write_adds_no_version(board):
    model = _model()
    first = vetiver.vetiver_pin_write(board, model)
    second = vetiver.vetiver_pin_write(board, model)
    assert first.version.version == second.version.version
    assert len(pinstore.list_versions(board, "cars")) == 1


def test_unversioned_identical_write_never_deletes_the_pin(tmp_path):
    """pins 0.9.2 deletes the only version before finding the content identical."""
    board = pins.board_folder(str(tmp_path), versioned=False, allow_pickle_read=True)
    model = _model()
    vetiver.vetiver_pin_write(board, model, versioned=False)
    vetiver.vetiver_pin_write(board, model, versioned=False)
    assert len(pinstore.list_versions(board, "cars")) == 1
    assert vetiver.VetiverModel.from_pin(board, "cars").model_name == "cars"

    vetiver.vetiver_pin_write(board, _model(seed=5), versioned=False)
    versions = pinstore.list_versions(board, "cars")
    assert len(versions) == 1
    X, _ = vetiver.get_mock_data(seed=3)
    assert vetiver.VetiverModel.from_pin(board, "cars").model.predict(X).tolist() == _model(5).model.predict(X).tolist()


def test_model_versioned_attribute_is_honoured(tmp_path):
    board = pins.board_folder(str(tmp_path), allow_pickle_read=True)
    X, _ = vetiver.get_mock_data(seed=1)
    for seed in (1, 2):
        Xs, ys = vetiver.get_mock_data(seed=seed)
        model = vetiver.VetiverModel(LinearRegression().fit(Xs, ys), "m", prototype_data=X, versioned=False)
        vetiver.vetiver_pin_write(board, model)
    assert len(pinstore.list_versions(board, "m")) == 1


def test_unversioned_write_over_many_versions_is_refused(board):
    vetiver.vetiver_pin_write(board, _model(1))
    vetiver.vetiver_pin_write(board, _model(2))
    with pytest.raises(PinError, match="already has 2 versions"):
        vetiver.vetiver_pin_write(board, _model(3), versioned=False)


def test_pickle_read_needs_consent(tmp_path, monkeypatch):
    monkeypatch.delenv("PINS_ALLOW_PICKLE_READ", raising=False)
    vetiver.vetiver_pin_write(pins.board_folder(str(tmp_path)), _model())
    with pytest.raises(PickleConsentError, match="allow_pickle_read=True or set PINS_ALLOW_PICKLE_READ=1"):
        vetiver.VetiverModel.from_pin(pins.board_folder(str(tmp_path)), "cars")
    with pytest.raises(PickleConsentError):
        vetiver.VetiverModel.from_pin(pins.board_folder(str(tmp_path), allow_pickle_read=False), "cars")
    monkeypatch.setenv("PINS_ALLOW_PICKLE_READ", "1")  # 0.2.6 ignored the variable
    assert vetiver.VetiverModel.from_pin(pins.board_folder(str(tmp_path)), "cars").model_name == "cars"


class _Exploit:
    """Unpickling this runs code: it writes a marker file."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "pwned"))


def test_swapped_file_is_refused_before_unpickling(board, tmp_path):
    meta = vetiver.vetiver_pin_write(board, _model())
    marker = tmp_path / "marker"
    target = Path(board.board, "cars", meta.version.version, "cars.joblib")
    target.write_bytes(pickle.dumps(_Exploit(str(marker))))

    with pytest.raises(PinIntegrityError, match="does not match pin_hash"):
        vetiver.VetiverModel.from_pin(board, "cars")
    assert not marker.exists()


def test_missing_pin_and_version_are_clear_errors(board):
    with pytest.raises(PinNotFoundError, match="no pin named 'nope'"):
        vetiver.VetiverModel.from_pin(board, "nope")
    vetiver.vetiver_pin_write(board, _model())
    with pytest.raises(PinNotFoundError, match="no version '20200101T000000Z-aaaaa'"):
        vetiver.VetiverModel.from_pin(board, "cars", version="20200101T000000Z-aaaaa")


def test_non_model_pin_is_a_clear_error(board):
    board.pin_write(pd.DataFrame({"a": [1]}), "frame", type="csv")
    with pytest.raises(PinError, match="'csv' pin with no vetiver model"):
        vetiver.VetiverModel.from_pin(board, "frame")


def test_incomplete_version_is_never_latest(board):
    """A version folder without data.txt (an upload in progress on an object store) is skipped."""
    meta = vetiver.vetiver_pin_write(board, _model())
    partial = Path(board.board, "cars", "29991231T235959Z-fffff")
    partial.mkdir()
    (partial / "cars.joblib").write_bytes(b"half a file")
    assert pinstore.latest_version(board, "cars") == meta.version.version
    assert vetiver.VetiverModel.from_pin(board, "cars").metadata.version == meta.version.version


def test_legacy_pre_0_2_metadata_is_read(board):
    """vetiver < 0.2 stored the prototype as user.ptype (examples/coffeeratings in vetiver-python)."""
    X, y = vetiver.get_mock_data(seed=1)
    board.pin_write(
        LinearRegression().fit(X, y),
        "old",
        type="joblib",
        metadata={"ptype": '{"B": 1, "C": 2, "D": 3}', "required_pkgs": ["scikit-learn"], "save_ptype": True},
    )
    old = vetiver.VetiverModel.from_pin(board, "old")
    assert list(old.schema.names) == ["B", "C", "D"]
    assert "scikit-learn" in old.metadata.required_pkgs


def test_staging_folders_are_removed_and_ignored(board):
    vetiver.vetiver_pin_write(board, _model())
    entries = os.listdir(Path(board.board, "cars"))
    assert not [e for e in entries if e.startswith(".")]


def test_column_order_survives_the_pin(board):
    """data.txt is YAML with sorted keys; the prototype's column order must not become alphabetical."""
    mtcars = vetiver.data.mtcars
    features = mtcars.drop(columns="cyl")
    model = vetiver.VetiverModel(vetiver.get_mtcars_model(), "cars", prototype_data=features)
    vetiver.vetiver_pin_write(board, model)
    again = vetiver.VetiverModel.from_pin(board, "cars")
    assert list(again.schema.names) == list(features.columns)
    assert list(again.prototype.model_fields) == list(features.columns)
