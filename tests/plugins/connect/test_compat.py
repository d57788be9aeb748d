"""vetiver 0.2.6's Connect names, the deploy-target registration and light imports."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import vetiver
from vetiver.errors import PluginError

SIGNATURE_0_2_6 = [
    "connect_server",
    "board",
    "pin_name",
    "version",
    "extra_files",
    "new",
    "app_id",
    "title",
    "python",
    "force_generate",
    "log_callback",
    "image",
]


def test_deploy_connect_keeps_the_0_2_6_signature():
    import vetiver_connect

    parameters = list(inspect.signature(vetiver_connect.deploy_connect).parameters)
    assert parameters[: len(SIGNATURE_0_2_6)] == SIGNATURE_0_2_6
    assert vetiver.ConnectServer is vetiver_connect.ConnectServer
    from vetiver.rsconnect import deploy_connect  # 0.2.6's module path

    assert vetiver.deploy_connect is deploy_connect


def test_deploy_rsconnect_is_a_deprecated_alias(monkeypatch):
    monkeypatch.setitem(sys.modules, "vetiver_connect", None)  # as if the plugin were not installed
    with pytest.warns(DeprecationWarning, match="deploy_connect"), pytest.raises(PluginError, match="pip install"):
        vetiver.deploy_rsconnect(None, None, "cars")


def test_without_the_plugin_the_call_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "vetiver_connect", None)
    with pytest.raises(PluginError, match="pip install vetiver-connect"):
        vetiver.deploy_connect(None, None, "cars")


def test_force_generate_is_accepted_and_warns(tmp_path):
    import vetiver_connect
    from vetiver_connect.errors import ConnectConfigError

    with pytest.warns(FutureWarning, match="force_generate"), pytest.raises(ConnectConfigError, match="CONNECT_SERVER"):
        vetiver_connect.deploy_connect(None, str(tmp_path), "cars", force_generate=True)


def test_connect_is_a_deploy_target():
    from vetiver import plugins

    target = plugins.deploy_target("connect")
    assert "server" in target.options and "app_id" in target.options


def test_unknown_option_is_refused(monkeypatch):
    from vetiver_connect.deploy import deploy

    monkeypatch.setattr("vetiver_connect.flow.check_server", lambda server: {})
    with pytest.raises(TypeError, match="colour"):
        deploy(None, "cars", server="https://connect.example.org", api_key="k", colour="red")


def test_importing_the_plugin_stays_light():
    code = (
        "import sys, vetiver, vetiver_connect; from vetiver import plugins; plugins.deploy_target('connect');"
        "heavy = [m for m in ('httpx', 'pins', 'vetiver_connect.flow', 'rsconnect') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
