"""The ``skops`` model format of vetiver-sklearn (issue 9): pins without pickle, loaded without
pickle consent; models skops cannot store safely fall back to joblib, saying why."""

from __future__ import annotations

from pathlib import Path

import pins
import pytest
import yaml
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

import vetiver
from vetiver.errors import PickleConsentError, PinError
from vetiver.storage import pinstore
from vetiver_sklearn.handler import SkopsFallbackWarning


def _data():
    X, y = vetiver.get_mock_data(seed=2)
    return X, (y > 50).astype(int)


def _data_txt(board, name: str) -> dict:
    return yaml.safe_load(Path(board.board, name, pinstore.latest_version(board, name), "data.txt").read_text())


def _skops_pin(tmp_path) -> tuple[object, vetiver.VetiverModel]:
    """A LogisticRegression pinned as "logit" in the skops format; the board and the model."""
    X, y = _data()
    model = vetiver.VetiverModel(LogisticRegression().fit(X, y), "logit", prototype_data=X)
    model.handler.model_format = "skops"
    board = pins.board_folder(str(tmp_path))
    vetiver.vetiver_pin_write(board, model)
    return board, model


def test_skops_pin_loads_without_pickle_consent(tmp_path):
    writer, model = _skops_pin(tmp_path)
    X, _ = _data()
    stored = _data_txt(writer, "logit")
    assert stored["type"] == "file" and stored["file"] == "logit.skops"
    assert stored["user"]["vetiver_meta"]["model_format"] == "skops"

    reader = pins.board_folder(str(tmp_path), allow_pickle_read=False)
    again = vetiver.VetiverModel.from_pin(reader, "logit")
    assert again.model.predict(X).tolist() == model.model.predict(X).tolist()
    assert again.schema == model.schema


def test_models_skops_cannot_store_fall_back_to_joblib_with_a_warning(tmp_path):
    X, y = _data()
    model = vetiver.VetiverModel(RandomForestClassifier(n_estimators=3, random_state=0).fit(X, y), "rf",
                                 prototype_data=X)  # fmt: skip
    model.handler.model_format = "skops"
    board = pins.board_folder(str(tmp_path))
    with pytest.warns(SkopsFallbackWarning, match=r"pinned with joblib, not skops.*sklearn\.tree\._tree\.Tree"):
        vetiver.vetiver_pin_write(board, model)
    assert _data_txt(board, "rf")["type"] == "joblib"
    with pytest.raises(PickleConsentError):
        vetiver.VetiverModel.from_pin(board, "rf")


def test_a_skops_file_with_untrusted_types_is_refused(tmp_path):
    """A swapped file with a matching pin_hash still cannot make the reader build arbitrary types."""
    import skops.io as sio
    from xxhash import xxh64

    board, _ = _skops_pin(tmp_path)
    X, y = _data()
    folder = Path(board.board, "logit", pinstore.latest_version(board, "logit"))
    sio.dump(RandomForestClassifier(n_estimators=2).fit(X, y), folder / "logit.skops")
    data = yaml.safe_load((folder / "data.txt").read_text())
    data["pin_hash"] = xxh64((folder / "logit.skops").read_bytes()).hexdigest()
    (folder / "data.txt").write_text(yaml.safe_dump(data))
    with pytest.raises(PinError, match="does not trust"):
        vetiver.VetiverModel.from_pin(board, "logit")


def test_joblib_stays_the_default():
    X, y = _data()
    assert vetiver.VetiverModel(LogisticRegression().fit(X, y), "m").handler.model_format == "joblib"
    with pytest.raises(ValueError, match="'joblib' or 'skops'"):
        vetiver.VetiverModel(LogisticRegression().fit(X, y), "m").handler.model_format = "onnx"


def test_images_of_skops_pins_get_skops(tmp_path):
    from vetiver.bundle.pin import plan

    board, _ = _skops_pin(tmp_path)
    served = plan(board, "logit")
    assert "skops" in served.roots and not served.uses_pickle
