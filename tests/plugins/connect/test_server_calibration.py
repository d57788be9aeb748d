"""Calibration of the Connect API test server with the real clients.

The test server is a stand-in for Posit Connect, which cannot run here. These tests drive it with
rsconnect-python (its CLI and the programmatic path vetiver 0.2.6 called), posit-sdk and
``pins.board_connect``, so it accepts what they send; and with malformed requests, so it accepts
nothing looser.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import httpx
import pandas as pd
import pytest

from tests.plugins.connect.conftest import TINY_APP, bundle_member, bundle_names, pinned, tiny_bundle


def write_app_dir(folder: Path, release: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "app.py").write_text(TINY_APP.format(prelude="", release=release))
    (folder / "requirements.txt").write_text("\n".join(pinned("starlette", "uvicorn")) + "\n")
    return folder


def rsconnect_cli() -> str:
    executable = shutil.which("rsconnect", path=str(Path(sys.executable).parent))
    if executable is None:
        pytest.skip("rsconnect-python is not installed")
    return executable


@pytest.mark.slow  # rsconnect's CLI takes several seconds per call
@pytest.mark.parametrize("server_fixture", ["connect", "legacy_connect"])
def test_rsconnect_cli_deploys_an_api(server_fixture, request, tmp_path):
    server = request.getfixturevalue(server_fixture)
    app = write_app_dir(tmp_path / "app", "rsconnect")
    server.state.reset_log()
    result = subprocess.run(
        [
            rsconnect_cli(),
            "deploy",
            "fastapi",
            "--server",
            server.url,
            "--api-key",
            server.key(),
            "--title",
            "Calibration",
            "--entrypoint",
            "app:api",
            "--new",
            str(app),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    calls = server.state.calls()
    drafts = server_fixture == "connect"
    assert calls.count("POST /__api__/v1/content/{guid}/deploy") == (2 if drafts else 1)
    assert any(call.startswith("GET /content/{guid}/_bundle") for call in calls) == drafts
    guid = next(
        g
        for g, item in server.state.content.items()
        if item["title"] == "Calibration"
        and item["bundle_id"]
        and (item["owner_guid"] == server.state.user("alice").guid)
    )
    answer = httpx.get(f"{server.url}/content/{guid}/ping", headers={"Authorization": f"Key {server.key()}"})
    assert answer.json()["release"] == "rsconnect"


@pytest.mark.slow
def test_rsconnect_cli_reports_a_wrong_key(connect, tmp_path):
    app = write_app_dir(tmp_path / "app", "x")
    result = subprocess.run(
        [
            rsconnect_cli(),
            "deploy",
            "fastapi",
            "--server",
            connect.url,
            "--api-key",
            "wrong",
            "--entrypoint",
            "app:api",
            "--new",
            str(app),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode != 0
    assert "API key is not valid" in result.stdout + result.stderr


@pytest.mark.slow
def test_rsconnect_cli_sees_a_crashing_draft_fail_verification(connect, tmp_path):
    app = write_app_dir(tmp_path / "app", "x")
    (app / "app.py").write_text("import does_not_exist\n")
    result = subprocess.run(
        [
            rsconnect_cli(),
            "deploy",
            "fastapi",
            "--server",
            connect.url,
            "--api-key",
            connect.key(),
            "--entrypoint",
            "app:api",
            "--new",
            str(app),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode != 0
    assert "Could not access the deployed content" in result.stdout + result.stderr


def test_rsconnect_programmatic_path_of_vetiver_0_2_6(connect, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # rsconnect records the deployment in ./rsconnect-python/
    actions = pytest.importorskip("rsconnect.actions")
    rsconnect_api = pytest.importorskip("rsconnect.api")
    app = write_app_dir(tmp_path / "app", "programmatic")
    actions.deploy_python_fastapi(
        connect_server=rsconnect_api.RSConnectServer(connect.url, connect.key()),
        directory=str(app),
        extra_files=[],
        excludes=[],
        entry_point="app:api",
        new=True,
        app_id=None,
        title="Programmatic",
        python=None,
        conda_mode=False,
        force_generate=False,
        log_callback=None,
    )
    item = next(i for i in connect.state.content.values() if i["title"] == "Programmatic")
    assert item["app_mode"] == "python-fastapi" and item["bundle_id"]
    bundle = connect.state.bundles[item["guid"]][item["bundle_id"]]
    names = bundle_names(bundle.archive)
    assert sorted(names) == ["app.py", "manifest.json", "requirements.txt"]


def test_posit_sdk_creates_uploads_and_deploys(connect, tmp_path):
    posit_connect = pytest.importorskip("posit.connect")
    client = posit_connect.Client(connect.url, connect.key())
    content = client.content.create(name=f"sdk_{uuid.uuid4().hex[:8]}", title="SDK", access_type="logged_in")
    bundle = content.bundles.create(tiny_bundle(tmp_path / "b", "sdk"))
    task = bundle.deploy()
    task.wait_for()
    assert task["code"] == 0 and task["finished"]
    assert connect.state.content[content["guid"]]["bundle_id"] == str(bundle["id"])
    assert client.me["username"] == "alice"


def test_pins_board_connect_writes_and_reads(connect):
    import pins

    board = pins.board_connect(server_url=connect.url, api_key=connect.key(), cache=None)
    name = f"alice/calibration_{uuid.uuid4().hex[:6]}"
    board.pin_write(pd.DataFrame({"x": [1, 2, 3]}), name, type="csv")
    board.pin_write(pd.DataFrame({"x": [2, 4, 6]}), name, type="csv")
    versions = board.pin_versions(name).version.tolist()
    assert len(versions) == 2
    assert board.pin_read(name).x.tolist() == [2, 4, 6]
    assert board.pin_read(name, version=versions[0]).x.tolist() == [1, 2, 3]
    assert name in board.pin_list()
    bundle = connect.state.bundles[next(g for g, i in connect.state.content.items() if i["name"] == name[6:])]
    manifest = json.loads(bundle_member(next(iter(bundle.values())).archive, "manifest.json"))
    assert isinstance(manifest["files"], list)  # pins' static bundle: a list, directories included


# --- nothing looser ----------------------------------------------------------------------------


def api(server, method: str, path: str, key: str | None = "alice", **kwargs) -> httpx.Response:
    headers = {"Authorization": f"Key {server.key(key)}"} if key else {}
    return httpx.request(method, f"{server.url}/__api__/{path}", headers=headers, timeout=30, **kwargs)


def new_content(server) -> str:
    return api(server, "POST", "v1/content", json={"name": f"strict_{uuid.uuid4().hex[:8]}"}).json()["guid"]


def targz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def fastapi_manifest(**changes) -> bytes:
    manifest = {
        "version": 1,
        "metadata": {"appmode": "python-fastapi", "entrypoint": "app:api"},
        "python": {"version": "3.11.7", "package_manager": {"name": "pip", "package_file": "requirements.txt"}},
        "files": {},
    }
    manifest.update(changes)
    return json.dumps(manifest).encode()


APP = b"api = None\n"
REQS = b"starlette\n"


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (b"", "empty"),
        (gzip.compress(b"not a tar"), "not a readable gzip tar"),
        (io.BytesIO().getvalue() + b"PK\x03\x04zip", "not a gzip"),
        (targz({"app.py": APP, "requirements.txt": REQS}), "no manifest.json"),
        (targz({"manifest.json": b"{", "app.py": APP}), "not valid JSON"),
        (targz({"manifest.json": fastapi_manifest(version=2), "app.py": APP, "requirements.txt": REQS}), "version 1"),
        (
            targz({"manifest.json": fastapi_manifest(metadata={"appmode": "python-magic"}), "app.py": APP}),
            "unknown app mode",
        ),
        (
            targz(
                {
                    "manifest.json": fastapi_manifest(metadata={"appmode": "python-fastapi"}),
                    "app.py": APP,
                    "requirements.txt": REQS,
                }
            ),
            "needs metadata.entrypoint",
        ),
        (targz({"manifest.json": fastapi_manifest(), "requirements.txt": REQS}), "does not hold"),
        (targz({"manifest.json": fastapi_manifest(), "app.py": APP}), "requirements file"),
        (
            targz(
                {
                    "manifest.json": fastapi_manifest(files={"app.py": {"checksum": "0" * 32}}),
                    "app.py": APP,
                    "requirements.txt": REQS,
                }
            ),
            "checksum",
        ),
        (
            targz(
                {
                    "manifest.json": fastapi_manifest(files={"model.joblib": {"checksum": "0" * 32}}),
                    "app.py": APP,
                    "requirements.txt": REQS,
                }
            ),
            "lacks it",
        ),
        (
            targz({"manifest.json": fastapi_manifest(), "app.py": APP, "requirements.txt": REQS, "../evil": b""}),
            "outside its root",
        ),
    ],
    ids=[
        "empty",
        "gzip-not-tar",
        "not-gzip",
        "no-manifest",
        "manifest-json",
        "manifest-version",
        "app-mode",
        "entrypoint",
        "entrypoint-file",
        "requirements",
        "checksum",
        "listed-file",
        "path-escape",
    ],
)
def test_bundles_are_validated(connect, archive, message):
    response = api(connect, "POST", f"v1/content/{new_content(connect)}/bundles", content=archive)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_multipart_upload_with_metadata(connect, tmp_path):
    pytest.importorskip("multipart", reason="the test server parses multipart uploads with python-multipart")
    guid = new_content(connect)
    archive = tiny_bundle(tmp_path / "b", "multipart")
    response = api(
        connect,
        "POST",
        f"v1/content/{guid}/bundles",
        files={"archive": ("bundle.tar.gz", archive, "application/x-tar")},
        data={"metadata": json.dumps({"source": "git", "source_branch": "main"})},
    )
    assert response.status_code == 200, response.text
    assert response.json()["metadata"]["source_branch"] == "main"
    missing = api(connect, "POST", f"v1/content/{guid}/bundles", files={"other": ("x", b"y")})
    assert missing.status_code == 400 and "archive" in missing.json()["error"]


def test_auth_and_permissions(connect):
    assert api(connect, "GET", "server_settings", key=None).status_code == 200
    assert api(connect, "GET", "v1/user", key=None).status_code == 401
    bad = httpx.get(f"{connect.url}/__api__/v1/user", headers={"Authorization": "Key nope"})
    assert bad.status_code == 401 and bad.json()["code"] != 0
    assert api(connect, "GET", "v1/user").json()["username"] == "alice"
    guid = new_content(connect)
    assert api(connect, "PATCH", f"v1/content/{guid}", key="bob", json={"title": "x"}).status_code == 403
    assert api(connect, "POST", "v1/content", key="carol", json={"name": "viewer_cannot"}).status_code == 403
    assert api(connect, "PATCH", f"v1/content/{guid}", json={"colour": "red"}).status_code == 400
    assert api(connect, "PATCH", f"v1/content/{guid}", json={"access_type": "everyone"}).status_code == 400
    assert api(connect, "GET", "v1/content/no-such-guid").status_code == 404


def test_deploy_and_task_polling(connect, legacy_connect, tmp_path):
    guid = new_content(connect)
    bundle = api(connect, "POST", f"v1/content/{guid}/bundles", content=tiny_bundle(tmp_path / "b", "t")).json()
    assert (
        api(connect, "POST", f"v1/content/{guid}/deploy", json={"bundle_id": bundle["id"], "when": "now"}).status_code
        == 400
    )
    task_id = api(
        connect, "POST", f"v1/content/{guid}/deploy", json={"bundle_id": bundle["id"], "activate": False}
    ).json()["task_id"]
    seen: list[str] = []
    first = 0
    while True:
        task = api(connect, "GET", f"v1/tasks/{task_id}", params={"first": first, "wait": 1}).json()
        assert task["output"] == [] or first < task["last"]  # only lines after `first`
        seen += task["output"]
        first = task["last"]
        if task["finished"]:
            break
    assert task["code"] == 0 and "draft" in seen[-1]
    assert api(connect, "GET", f"v1/content/{guid}").json()["bundle_id"] is None  # a draft is not active
    assert (
        httpx.get(
            f"{connect.url}/content/{guid}/_bundle{bundle['id']}/ping",
            headers={"Authorization": f"Key {connect.key()}"},
            timeout=60,
        ).status_code
        == 200
    )
    # Servers without drafts do not know the field (rsconnect sends it only to newer ones).
    old = new_content(legacy_connect)
    old_bundle = api(
        legacy_connect, "POST", f"v1/content/{old}/bundles", content=tiny_bundle(tmp_path / "o", "o")
    ).json()
    assert (
        api(
            legacy_connect, "POST", f"v1/content/{old}/deploy", json={"bundle_id": old_bundle["id"], "activate": False}
        ).status_code
        == 400
    )


def test_content_urls_need_a_key_unless_public(connect, tmp_path):
    guid = new_content(connect)
    bundle = api(connect, "POST", f"v1/content/{guid}/bundles", content=tiny_bundle(tmp_path / "b", "k")).json()
    download = api(connect, "GET", f"v1/content/{guid}/bundles/{bundle['id']}/download")
    assert download.status_code == 200 and download.content[:2] == b"\x1f\x8b"
    assert httpx.get(f"{connect.url}/content/{guid}/_rev{bundle['id']}/app.py").status_code == 401
    assert (
        httpx.get(
            f"{connect.url}/content/{guid}/_rev{bundle['id']}/app.py", headers={"Authorization": f"Key {connect.key()}"}
        ).status_code
        == 200
    )
    assert (
        httpx.get(
            f"{connect.url}/content/{guid}/_rev{bundle['id']}/../../etc/passwd",
            headers={"Authorization": f"Key {connect.key()}"},
        ).status_code
        == 404
    )
