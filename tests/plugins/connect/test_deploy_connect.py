"""Pinned models deployed with ``vetiver.deploy_connect``, the ``connect`` target and the CLI,
against the Connect API test server (a stand-in for Posit Connect, which cannot run here), and
predicted through the deployed app with ``vetiver.predict``.

The deployed apps are real: the server installs each bundle's pinned requirements offline from
the session's wheelhouse and runs ``app.py`` with uvicorn. Models differ only in their
coefficients, so every deploy in the session reuses one installed environment.
"""

from __future__ import annotations

import json
import uuid

import pandas as pd
import pins
import pytest
from sklearn.linear_model import LinearRegression

import vetiver
from tests.plugins.connect.conftest import bundle_names, free_port_url

pytestmark = pytest.mark.slow


def fitted(name: str, seed: int) -> tuple[vetiver.VetiverModel, pd.DataFrame]:
    X, y = vetiver.get_mock_data(seed=seed)
    return vetiver.VetiverModel(LinearRegression().fit(X, y), name, prototype_data=X), X.head(4)


@pytest.fixture(scope="module")
def connect_board(connect):
    return pins.board_connect(server_url=connect.url, api_key=connect.key(), allow_pickle_read=True, cache=None)


@pytest.fixture(scope="module")
def app_environment(connect, connect_board, wheelhouse, tmp_path_factory):
    """The wheelhouse holds what a deployed sklearn model's bundle pins (downloaded once)."""
    model, _ = fitted(f"alice/warmup_{uuid.uuid4().hex[:6]}", 0)
    vetiver.vetiver_pin_write(connect_board, model)
    folder = vetiver.prepare("connect", connect_board, model.model_name, tmp_path_factory.mktemp("bundle"))
    wheelhouse.add_file(folder / "requirements.txt")
    return folder


def predict(deployment, rows, key):
    endpoint = vetiver.vetiver_endpoint(deployment.api_url + "predict")
    return vetiver.predict(endpoint, rows, headers={"Authorization": f"Key {key}"}, timeout=120)


def test_bundle_files(app_environment):
    folder = app_environment
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["version"] == 1
    assert manifest["metadata"] == {"appmode": "python-fastapi", "entrypoint": "app:api"}
    assert manifest["python"]["package_manager"]["package_file"] == "requirements.txt"
    assert manifest["environment"]["python"]["requires"].startswith("~=3.")
    assert set(manifest["files"]) >= {"app.py", "requirements.txt"}
    requirements = (folder / "requirements.txt").read_text()
    assert "scikit-learn==" in requirements and "pandas==" in requirements
    assert "rsconnect-python" not in requirements and "pytest" not in requirements  # no freeze
    assert "board_connect(server_url=" in (folder / "app.py").read_text()


def test_round_trip_pin_on_connect_deploy_predict(connect, connect_board, app_environment):
    name = f"alice/cars_{uuid.uuid4().hex[:6]}"
    model, rows = fitted(name, 1)
    vetiver.vetiver_pin_write(connect_board, model)
    lines: list[str] = []
    deployment = vetiver.deploy_connect(
        vetiver.ConnectServer(connect.url, connect.key()), connect_board, name, log_callback=lines.append
    )
    assert any("draft" in line.lower() for line in lines)
    got = predict(deployment, rows, connect.key())
    assert got["predict"].tolist() == pytest.approx(model.model.predict(rows).tolist())
    item = connect.state.content[deployment.guid]
    assert item["title"] == f"{name.split('/')[1]}_vetiver" and item["app_mode"] == "python-fastapi"

    # Update: a new version of the pin, deployed again, replaces the model in the same content;
    # this time with rsconnect-python's server object and the board given as a URL.
    rsconnect_api = pytest.importorskip("rsconnect.api")
    newer, _ = fitted(name, 2)
    vetiver.vetiver_pin_write(connect_board, newer)
    board_url = "connect+http://" + connect.url.removeprefix("http://")
    again = vetiver.deploy_connect(
        rsconnect_api.RSConnectServer(connect.url, connect.key()),
        vetiver.board(board_url, api_key=connect.key(), allow_pickle_read=True, cache=None),
        name,
        log_callback=[].append,
    )
    assert again.guid == deployment.guid and again.previous_bundle_id == deployment.bundle_id
    assert predict(again, rows, connect.key())["predict"].tolist() == pytest.approx(newer.model.predict(rows).tolist())

    # Roll back to the bundle serving the first version.
    import vetiver_connect

    back = vetiver_connect.rollback(
        vetiver.ConnectServer(connect.url, connect.key()), deployment.guid, log_callback=[].append
    )
    assert predict(back, rows, connect.key())["predict"].tolist() == pytest.approx(model.model.predict(rows).tolist())


def test_folder_board_pin_travels_in_the_bundle(connect, app_environment, tmp_path):
    board = pins.board_folder(str(tmp_path / "board"), allow_pickle_read=True)
    model, rows = fitted("cars", 3)
    vetiver.vetiver_pin_write(board, model)
    deployment = vetiver.deploy(
        "connect",
        board,
        "cars",
        server=connect.url,
        api_key=connect.key(),
        content_name=f"cars_{uuid.uuid4().hex[:6]}",
        access_type="logged_in",
        log_callback=[].append,
    )
    bundle = connect.state.bundles[deployment.guid][deployment.bundle_id]
    names = bundle_names(bundle.archive)
    assert any(n.startswith("board/cars/") and n.endswith("data.txt") for n in names)
    got = predict(deployment, rows, connect.key("carol"))  # logged_in: any user's key
    assert got["predict"].tolist() == pytest.approx(model.model.predict(rows).tolist())


def test_cli_deploys_and_reports_errors_in_one_line(connect, connect_board, app_environment, monkeypatch, capsys):
    from vetiver.cli import main

    name = f"alice/cli_{uuid.uuid4().hex[:6]}"
    model, _ = fitted(name, 5)
    vetiver.vetiver_pin_write(connect_board, model)
    board_url = "connect+http://" + connect.url.removeprefix("http://")
    monkeypatch.setenv("CONNECT_API_KEY", connect.key())
    monkeypatch.setenv("PINS_ALLOW_PICKLE_READ", "1")
    code = main(["deploy", "connect", board_url, name, "--server", connect.url, "--title", "CLI API"])
    out = capsys.readouterr()
    assert code == 0, out.err
    guid = next(g for g, item in connect.state.content.items() if item["title"] == "CLI API")
    assert guid in out.out and "API:" in out.out
    assert "Activated bundle" in out.err  # the task log streams to stderr

    monkeypatch.setenv("CONNECT_API_KEY", "wrong")
    assert main(["deploy", "connect", board_url, name, "--server", connect.url, "--app-id", guid]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "refused the API key" in err[0]

    monkeypatch.delenv("CONNECT_API_KEY")
    assert main(["deploy", "connect", board_url, name, "--server", free_port_url()]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "CONNECT_API_KEY" in err[0]


def test_extra_files_python_and_overwrite(tmp_path, app_environment):
    from vetiver.errors import FileExistsRefusedError

    board = pins.board_folder(str(tmp_path / "board"), allow_pickle_read=True)
    model, _ = fitted("cars", 6)
    vetiver.vetiver_pin_write(board, model)
    helper = tmp_path / "helper.py"
    helper.write_text("SCALE = 2\n")
    own = tmp_path / "requirements.txt"
    own.write_text("scikit-learn==1.9.1\n")
    folder = vetiver.prepare(
        "connect", board, "cars", tmp_path / "bundle", extra_files=[str(helper), str(own)], python="3.11"
    )
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["python"]["version"] == "3.11"
    assert manifest["environment"]["python"]["requires"] == "~=3.11.0"
    assert "helper.py" in manifest["files"] and "board/cars" in " ".join(manifest["files"])
    assert (folder / "requirements.txt").read_text() == "scikit-learn==1.9.1\n"  # the user's file wins
    with pytest.raises(FileExistsRefusedError):
        vetiver.prepare("connect", board, "cars", folder)
    vetiver.prepare("connect", board, "cars", folder, overwrite=True)
    assert "helper.py" not in json.loads((folder / "manifest.json").read_text())["files"]
