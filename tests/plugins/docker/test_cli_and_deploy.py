"""``vetiver prepare docker`` and ``vetiver deploy docker`` from the command line, with no engine
and with a stand-in ``docker`` CLI (the real engine is in test_image.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vetiver import plugins

VETIVER = str(Path(sys.executable).parent / "vetiver")

FAKE_DOCKER = """#!/bin/sh
# Records its arguments; answers `version` and `build` like the real CLI.
printf '%s\\n' "$@" > "$FAKE_DOCKER_LOG"
case "$1" in
  version) echo 20.10.24 ;;
  build) echo "Step 1/2 : FROM python:3.11-slim"; echo "Successfully tagged x"; exit "${FAKE_BUILD_EXIT:-0}" ;;
esac
"""


def vetiver_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [VETIVER, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PINS_ALLOW_PICKLE_READ": "", **env},
    )


@pytest.fixture
def fake_docker(tmp_path) -> dict[str, str]:
    """Environment whose PATH has a stand-in ``docker`` that logs its arguments."""
    folder = tmp_path / "fakebin"
    folder.mkdir()
    (folder / "docker").write_text(FAKE_DOCKER)
    (folder / "docker").chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}", "FAKE_DOCKER_LOG": str(tmp_path / "docker.log")}


def test_docker_target_is_registered():
    target = plugins.deploy_target("docker")
    assert {"base_image", "port", "workers", "kubernetes", "tag", "allow_pickle"} <= set(target.options)
    providers = {name: info.distribution for name, (_, info) in plugins.registry("deploy target").items()}
    assert providers["docker"] == "vetiver-docker"


def test_prepare_writes_the_context(pinned, tmp_path):
    result = vetiver_cli(
        "prepare",
        "docker",
        str(pinned.path),
        pinned.name,
        "--path",
        str(tmp_path / "ctx"),
        "--allow-pickle",
        "--kubernetes",
        "--replicas",
        "2",
    )
    assert result.returncode == 0, result.stderr
    assert "wrote docker bundle" in result.stdout
    assert (tmp_path / "ctx" / "Dockerfile").exists()
    assert (tmp_path / "ctx" / "board" / pinned.name / pinned.versions[-1] / "data.txt").exists()
    assert "replicas: 2" in (tmp_path / "ctx" / "kubernetes" / "deployment.yaml").read_text()


def test_prepare_without_consent_says_how_to_give_it(pinned, tmp_path):
    result = vetiver_cli("prepare", "docker", str(pinned.path), pinned.name, "--path", str(tmp_path / "ctx"))
    assert result.returncode == 1
    assert result.stderr.startswith("vetiver: error:") and "--allow-pickle" in result.stderr


def test_deploy_without_an_engine_prints_the_command_to_run(pinned, tmp_path):
    result = vetiver_cli(
        "deploy",
        "docker",
        str(pinned.path),
        pinned.name,
        "--tag",
        "cars:1",
        "--allow-pickle",
        DOCKER_HOST=f"unix://{tmp_path}/no-such.sock",
    )
    assert result.returncode == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "no Docker engine is reachable" in message
    command = message.split("build it where an engine runs with: ", 1)[1]
    assert command.startswith("docker build --tag cars:1 ")
    context = Path(command.rsplit(" ", 1)[1])
    assert (context / "Dockerfile").exists()  # kept, so the printed command works


def test_deploy_without_a_docker_command(pinned, tmp_path):
    result = vetiver_cli(
        "deploy",
        "docker",
        str(pinned.path),
        pinned.name,
        "--allow-pickle",
        "--path",
        str(tmp_path / "ctx"),
        PATH=str(Path(sys.executable).parent),
    )
    assert result.returncode == 1
    assert "the 'docker' command is not installed" in result.stderr
    assert f"docker build --tag cars:{pinned.versions[-1]} {tmp_path / 'ctx'}" in result.stderr


def test_deploy_builds_with_progress_and_returns_the_tag(pinned, tmp_path, fake_docker):
    result = vetiver_cli(
        "deploy",
        "docker",
        str(pinned.path),
        pinned.name,
        "--allow-pickle",
        "--tag",
        "cars:1",
        "--network",
        "host",
        **fake_docker,
    )
    assert result.returncode == 0, result.stderr
    assert "Step 1/2 : FROM python:3.11-slim" in result.stdout  # the engine's progress, streamed
    assert result.stdout.strip().splitlines()[-1] == "cars:1"
    args = Path(fake_docker["FAKE_DOCKER_LOG"]).read_text().splitlines()
    assert args[:5] == ["build", "--tag", "cars:1", "--network", "host"]
    assert not Path(args[5]).exists()  # the temporary context is removed once built


def test_a_failed_build_is_one_clear_line(pinned, tmp_path, fake_docker):
    result = vetiver_cli(
        "deploy",
        "docker",
        str(pinned.path),
        pinned.name,
        "--allow-pickle",
        "--path",
        str(tmp_path / "ctx"),
        FAKE_BUILD_EXIT="1",
        **fake_docker,
    )
    assert result.returncode == 1
    assert "docker build of cars:" in result.stderr and "failed (exit 1)" in result.stderr
    assert (tmp_path / "ctx" / "Dockerfile").exists()


def test_deploy_from_python_uses_the_same_target(pinned, tmp_path, fake_docker, monkeypatch):
    import vetiver

    for key, value in fake_docker.items():
        monkeypatch.setenv(key, value)
    tag = vetiver.deploy("docker", pinned.board, pinned.name, path=tmp_path / "ctx", kubernetes=True)
    assert tag == f"cars:{pinned.versions[-1]}"
    deployment = (tmp_path / "ctx" / "kubernetes" / "deployment.yaml").read_text()
    assert f"image: {tag}" in deployment  # the manifests run the image just built
    assert json.dumps(Path(fake_docker["FAKE_DOCKER_LOG"]).read_text().splitlines()[:3]) == json.dumps(
        ["build", "--tag", tag]
    )
