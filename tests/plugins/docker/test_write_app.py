"""``write_app``: 0.2.6's app file, serving the newest version, with clear overwrite errors."""

from __future__ import annotations

import runpy

import pytest
from starlette.testclient import TestClient

import vetiver


def test_app_serves_the_newest_version(pinned, tmp_path):
    app_file = vetiver.write_app(pinned.board, pinned.name, file=tmp_path / "app.py")

    text = app_file.read_text()
    assert f"version={pinned.versions[-1]!r}" in text  # 0.2.6 picked the oldest
    assert f"pins.board_folder({str(pinned.path)!r}, allow_pickle_read=True)" in text
    assert "dotenv" not in text

    api = runpy.run_path(str(app_file))["api"]
    with TestClient(api) as client:
        response = client.post("/predict", json=pinned.rows.to_dict("records"))
    assert response.status_code == 200, response.text
    assert response.json()["predict"] == pytest.approx(pinned.models[-1].model.predict(pinned.rows).tolist())


def test_an_explicit_version_is_kept(pinned, tmp_path):
    app_file = vetiver.write_app(pinned.board, pinned.name, version=pinned.versions[0], file=tmp_path / "app.py")
    assert f"version={pinned.versions[0]!r}" in app_file.read_text()


def test_unversioned_boards_serve_whatever_is_newest_at_start(tmp_path):
    import pins

    from tests.plugins.docker.conftest import fitted

    board = pins.board_folder(str(tmp_path / "board"), versioned=False)
    vetiver.vetiver_pin_write(board, fitted(1))
    text = vetiver.write_app(board, "cars", file=tmp_path / "app.py").read_text()
    assert "VetiverModel.from_pin(b, 'cars')\n" in text


def test_existing_file_is_a_clear_error_unless_overwrite(pinned, tmp_path):
    target = tmp_path / "app.py"
    target.write_text("# mine\n")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        vetiver.write_app(pinned.board, pinned.name, file=target)
    assert target.read_text() == "# mine\n"
    vetiver.write_app(pinned.board, pinned.name, file=target, overwrite=True)
    assert "VetiverAPI" in target.read_text()


def test_deprecated_name_still_works(pinned, tmp_path):
    with pytest.warns(DeprecationWarning):
        vetiver.vetiver_write_app(pinned.board, pinned.name, file=tmp_path / "app.py")
    assert (tmp_path / "app.py").exists()


def test_0_2_6_picked_the_oldest_version_and_we_pick_the_newest(legacy_vetiver, pinned, tmp_path):
    legacy = legacy_vetiver.run(
        f"""
        import json, pins, vetiver
        board = pins.board_folder({str(pinned.path)!r}, allow_pickle_read=True)
        vetiver.write_app(board, {pinned.name!r}, file={str(tmp_path / "legacy.py")!r})
        print(json.dumps(open({str(tmp_path / "legacy.py")!r}).read()))
        """
    )
    assert f"version = {pinned.versions[0]!r}" in legacy  # bug #1 of the reference
    ours = vetiver.write_app(pinned.board, pinned.name, file=tmp_path / "app.py").read_text()
    assert f"version={pinned.versions[-1]!r}" in ours
