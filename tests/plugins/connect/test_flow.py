"""The deploy flow against the Connect API test server (a stand-in for Posit Connect, which
cannot run here): both flows, updates, settings, environment variables, rollback and every error.

The bundles are small starlette APIs, so these tests pay one environment install per session.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.plugins.connect.conftest import free_port_url, tiny_bundle
from vetiver.errors import VetiverError
from vetiver_connect import ConnectServer, ContentSettings, deploy_bundle, rollback
from vetiver_connect.errors import (
    BuildFailedError,
    BundleRejectedError,
    ConnectAuthError,
    ConnectConfigError,
    ConnectError,
    ConnectPermissionError,
    ConnectUnreachableError,
    ContentCheckFailedError,
    ContentNotFoundError,
    DraftCheckFailedError,
    NameTakenError,
)
from vetiver_connect.manifest import write_manifest


def unique(prefix: str = "api") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def ping(server, deployment, key: str | None = None) -> dict:
    key = key or server.key()
    response = httpx.get(deployment.api_url + "ping", headers={"Authorization": f"Key {key}"}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_draft_flow_checks_the_draft_then_activates(connect, tmp_path):
    server = ConnectServer(connect.url, connect.key())
    lines: list[str] = []
    connect.state.reset_log()
    deployment = deploy_bundle(
        server, tiny_bundle(tmp_path / "b", "one"), name=unique(), title="Tiny API", log_callback=lines.append
    )

    calls = connect.state.calls()
    assert calls[:5] == [
        "GET /__api__/server_settings",
        "GET /__api__/v1/user",
        "GET /__api__/v1/content",
        "POST /__api__/v1/content",
        "PATCH /__api__/v1/content/{guid}",
    ]
    deploys = [i for i, call in enumerate(calls) if call == "POST /__api__/v1/content/{guid}/deploy"]
    assert len(deploys) == 2  # the draft, then its activation
    check = calls.index(f"GET /content/{{guid}}/_bundle{deployment.bundle_id}/ping")
    assert deploys[0] < check < deploys[1]
    assert any("Bundle built." in line for line in lines)  # the task log reached the callback
    assert ping(connect, deployment)["release"] == "one"
    assert connect.state.content[deployment.guid]["title"] == "Tiny API"
    assert deployment.dashboard_url.endswith(deployment.guid)
    assert deployment.previous_bundle_id is None


def test_legacy_flow_deploys_active_then_checks(legacy_connect, tmp_path):
    server = ConnectServer(legacy_connect.url, legacy_connect.key())
    legacy_connect.state.reset_log()
    deployment = deploy_bundle(server, tiny_bundle(tmp_path / "b", "old"), name=unique(), log_callback=[].append)
    calls = legacy_connect.state.calls()
    assert calls.count("POST /__api__/v1/content/{guid}/deploy") == 1
    assert not any("_bundle" in call for call in calls)
    assert calls[-1] == "GET /content/{guid}/ping"
    assert ping(legacy_connect, deployment)["release"] == "old"


def test_second_deploy_updates_the_same_content_and_rollback_restores(connect, tmp_path):
    server = ConnectServer(connect.url, connect.key())
    name = unique()
    first = deploy_bundle(server, tiny_bundle(tmp_path / "1", "first"), name=name, log_callback=[].append)
    second = deploy_bundle(server, tiny_bundle(tmp_path / "2", "second"), name=name, log_callback=[].append)
    assert second.guid == first.guid
    assert second.previous_bundle_id == first.bundle_id
    assert ping(connect, second)["release"] == "second"

    back = rollback(server, first.guid, log_callback=[].append)
    assert back.bundle_id == first.bundle_id
    assert ping(connect, back)["release"] == "first"

    forward = rollback(server, first.guid, second.bundle_id, log_callback=[].append)
    assert ping(connect, forward)["release"] == "second"

    with pytest.raises(ContentNotFoundError, match="no bundle 999"):
        rollback(server, first.guid, "999", log_callback=[].append)


def test_rollback_without_an_earlier_bundle(connect, tmp_path):
    server = ConnectServer(connect.url, connect.key())
    only = deploy_bundle(server, tiny_bundle(tmp_path / "b", "only"), name=unique(), log_callback=[].append)
    with pytest.raises(ContentNotFoundError, match="no bundle before"):
        rollback(server, only.guid, log_callback=[].append)


def test_new_and_app_id(connect, tmp_path):
    server = ConnectServer(connect.url, connect.key())
    name = unique()
    first = deploy_bundle(server, tiny_bundle(tmp_path / "1", "a"), name=name, log_callback=[].append)
    by_id = deploy_bundle(
        server, tiny_bundle(tmp_path / "2", "b"), name=unique(), app_id=first.guid, log_callback=[].append
    )
    assert by_id.guid == first.guid
    with pytest.raises(NameTakenError, match="already exists"):  # new=True: one name per owner
        deploy_bundle(server, tiny_bundle(tmp_path / "3", "c"), name=name, new=True, log_callback=[].append)


def test_settings_and_environment_values_are_never_logged(connect, tmp_path):
    server = ConnectServer(connect.url, connect.key())
    lines: list[str] = []
    settings = ContentSettings(
        access_type="logged_in",
        min_processes=1,
        max_processes=3,
        read_timeout=30,
        init_timeout=60,
        idle_timeout=120,
        connection_timeout=10,
    )
    deployment = deploy_bundle(
        server,
        tiny_bundle(tmp_path / "b", "env"),
        name=unique(),
        settings=settings,
        environment={"GREETING": "s3cr3t-value"},
        log_callback=lines.append,
    )
    item = connect.state.content[deployment.guid]
    assert (item["access_type"], item["min_processes"], item["max_processes"]) == ("logged_in", 1, 3)
    assert (item["read_timeout"], item["init_timeout"], item["idle_timeout"]) == (30, 60, 120)
    assert ping(connect, deployment, connect.key("carol"))["greeting"] == "s3cr3t-value"  # logged_in: any key
    assert any("GREETING" in line for line in lines)
    assert not any("s3cr3t-value" in line for line in lines)


def test_invalid_settings_fail_before_any_request():
    with pytest.raises(ConnectConfigError, match="access_type"):
        ContentSettings(access_type="everyone")
    with pytest.raises(ConnectConfigError, match="cannot exceed"):
        ContentSettings(min_processes=4, max_processes=2)


# --- errors, each one line ----------------------------------------------------------------------


def one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message and message
    assert isinstance(error.value, (VetiverError, ConnectError))
    return message


def test_wrong_api_key(connect, tmp_path):
    with pytest.raises(ConnectAuthError) as error:
        deploy_bundle(ConnectServer(connect.url, "not-a-key"), tiny_bundle(tmp_path / "b", "x"), name=unique())
    assert "refused the API key" in one_line(error)
    assert isinstance(error.value, PermissionError)


def test_no_permission_to_publish(connect, tmp_path):
    viewer = ConnectServer(connect.url, connect.key("carol"))
    with pytest.raises(ConnectPermissionError) as error:
        deploy_bundle(viewer, tiny_bundle(tmp_path / "b", "x"), name=unique(), log_callback=[].append)
    assert "no permission to create content" in one_line(error)


def test_no_permission_on_someone_elses_content(connect, tmp_path):
    bob = ConnectServer(connect.url, connect.key("bob"))
    theirs = deploy_bundle(
        bob,
        tiny_bundle(tmp_path / "1", "bob"),
        name=unique(),
        settings=ContentSettings(access_type="all"),
        log_callback=[].append,
    )
    alice = ConnectServer(connect.url, connect.key())
    with pytest.raises(ConnectPermissionError) as error:
        deploy_bundle(
            alice,
            tiny_bundle(tmp_path / "2", "alice"),
            name=unique(),
            app_id=theirs.guid,
            title="mine now",
            log_callback=[].append,
        )
    assert f"update content {theirs.guid}" in one_line(error)
    assert ping(connect, theirs)["release"] == "bob"


def test_name_taken_by_someone_elses_content(connect, tmp_path):
    name = unique()
    bob = ConnectServer(connect.url, connect.key("bob"))
    theirs = deploy_bundle(
        bob,
        tiny_bundle(tmp_path / "1", "bob"),
        name=name,
        settings=ContentSettings(access_type="all"),
        log_callback=[].append,
    )
    alice = ConnectServer(connect.url, connect.key())
    with pytest.raises(NameTakenError) as error:
        deploy_bundle(alice, tiny_bundle(tmp_path / "2", "alice"), name=name, log_callback=[].append)
    assert theirs.guid in one_line(error) and "new=True" in str(error.value)
    mine = deploy_bundle(alice, tiny_bundle(tmp_path / "3", "alice"), name=name, new=True, log_callback=[].append)
    assert mine.guid != theirs.guid


def test_unreachable_server(tmp_path):
    with pytest.raises(ConnectUnreachableError) as error:
        deploy_bundle(ConnectServer(free_port_url(), "key"), tiny_bundle(tmp_path / "b", "x"), name=unique())
    assert "cannot reach Posit Connect" in one_line(error)
    assert isinstance(error.value, ConnectionError)


def test_bundle_rejected(connect, tmp_path):
    folder = tmp_path / "b"
    tiny_bundle(folder, "x")
    write_manifest(folder)
    (folder / "app.py").write_text("# changed after the manifest was written\n")  # checksum mismatch
    from vetiver_connect.manifest import archive

    server = ConnectServer(connect.url, connect.key())
    with pytest.raises(BundleRejectedError) as error:
        deploy_bundle(server, archive(folder), name=unique(), log_callback=[].append)
    assert "checksum of 'app.py'" in one_line(error)
    with pytest.raises(BundleRejectedError, match="not a gzip"):
        deploy_bundle(server, b"plain text", name=unique(), log_callback=[].append)


def test_build_failed_keeps_the_serving_bundle(connect, tmp_path):
    server = ConnectServer(connect.url, connect.key())
    name = unique()
    good = deploy_bundle(server, tiny_bundle(tmp_path / "1", "good"), name=name, log_callback=[].append)
    broken = tiny_bundle(tmp_path / "2", "bad", requirements=["no-such-distribution-for-vetiver==1.0"])
    with pytest.raises(BuildFailedError) as error:
        deploy_bundle(server, broken, name=name, log_callback=[].append)
    message = one_line(error)
    assert "failed to build" in message and "no-such-distribution-for-vetiver" in message
    assert f"bundle {good.bundle_id} is still serving" in message
    assert ping(connect, good)["release"] == "good"


def test_app_crashing_at_start_is_left_as_a_draft(connect, tmp_path):
    server = ConnectServer(connect.url, connect.key())
    name = unique()
    good = deploy_bundle(server, tiny_bundle(tmp_path / "1", "good"), name=name, log_callback=[].append)
    crashing = tiny_bundle(tmp_path / "2", "bad", prelude='raise RuntimeError("model file is corrupt")')
    with pytest.raises(DraftCheckFailedError) as error:
        deploy_bundle(server, crashing, name=name, log_callback=[].append)
    message = one_line(error)
    assert "left as a draft" in message and f"bundle {good.bundle_id} is still serving" in message
    assert "model file is corrupt" in message  # the app's last error line
    assert error.value.draft_url.endswith(f"/_bundle{error.value.bundle_id}/")
    assert connect.state.content[good.guid]["bundle_id"] == good.bundle_id
    assert ping(connect, good)["release"] == "good"


def test_legacy_server_reports_an_active_bundle_that_does_not_answer(legacy_connect, tmp_path):
    server = ConnectServer(legacy_connect.url, legacy_connect.key())
    name = unique()
    deploy_bundle(server, tiny_bundle(tmp_path / "1", "good"), name=name, log_callback=[].append)
    crashing = tiny_bundle(tmp_path / "2", "bad", prelude='raise RuntimeError("boom")')
    with pytest.raises(ContentCheckFailedError) as error:
        deploy_bundle(server, crashing, name=name, log_callback=[].append)
    assert "rollback" in one_line(error)


def test_rsconnect_server_objects_are_accepted(connect, tmp_path):
    rsconnect_api = pytest.importorskip("rsconnect.api")
    server = rsconnect_api.RSConnectServer(connect.url, connect.key())
    deployment = deploy_bundle(server, tiny_bundle(tmp_path / "b", "rs"), name=unique(), log_callback=[].append)
    assert ping(connect, deployment)["release"] == "rs"


def test_server_from_environment(monkeypatch):
    from vetiver_connect.server import as_server

    with pytest.raises(ConnectConfigError, match="CONNECT_SERVER"):
        as_server()
    monkeypatch.setenv("CONNECT_SERVER", "https://connect.example.org/__api__/")
    with pytest.raises(ConnectConfigError, match="CONNECT_API_KEY"):
        as_server()
    monkeypatch.setenv("CONNECT_API_KEY", "k3y")
    server = as_server()
    assert server.url == "https://connect.example.org" and "k3y" not in repr(server)
    with pytest.raises(ConnectConfigError, match="cannot deploy to a int"):
        as_server(42)
