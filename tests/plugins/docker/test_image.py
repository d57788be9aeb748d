"""Integration tier: a real Docker engine builds the generated context unchanged, and the image
serves the pinned model over loopback, SageMaker-style too, and stops cleanly on SIGTERM.

The engine, a ``python:3.11-slim`` stand-in and a loopback wheelhouse come from
``tests/support/docker_engine.py``; where no engine can start, these tests are skipped with the
reason. Containers use host networking only, on a free loopback port.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import vetiver
from tests.plugins.docker.conftest import Pinned, pin_two_versions
from tests.support.docker_engine import DockerTestbed, free_port

pytestmark = [pytest.mark.docker, pytest.mark.slow]

VETIVER = str(Path(sys.executable).parent / "vetiver")
TAG = "vetiver-it:1"


@dataclass
class Image:
    tag: str
    pinned: Pinned
    context: Path
    testbed: DockerTestbed
    build_seconds: float

    def docker(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.testbed.engine.docker(*args, check=check)


@pytest.fixture(scope="module")
def image(docker_testbed: DockerTestbed, tmp_path_factory) -> Image:
    """The pin's image, prepared and built through the CLI as a user would."""
    folder = tmp_path_factory.mktemp("image")
    pinned = pin_two_versions(folder / "board")
    context = folder / "ctx"
    env = {**docker_testbed.engine.env, "PINS_ALLOW_PICKLE_READ": ""}

    prepare = [VETIVER, "prepare", "docker", str(pinned.path), pinned.name, "--path", str(context), "--allow-pickle"]
    result = subprocess.run(prepare, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    docker_testbed.wheelhouse.add(context / "vetiver_requirements.txt")  # the only index the build sees

    started = time.monotonic()
    deploy = [
        VETIVER,
        "deploy",
        "docker",
        str(pinned.path),
        pinned.name,
        "--tag",
        TAG,
        "--path",
        str(context),
        "--overwrite",
        "--allow-pickle",
        "--network",
        "host",
    ]
    result = subprocess.run(deploy, capture_output=True, text=True, env=env, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert f"Successfully tagged {TAG}" in result.stdout and result.stdout.strip().endswith(TAG)
    return Image(TAG, pinned, context, docker_testbed, time.monotonic() - started)


@dataclass
class Container:
    name: str
    port: int


@pytest.fixture
def run_container(image: Image) -> Iterator:
    """Start containers of the image on free loopback ports; remove them afterwards."""
    started: list[str] = []

    def run(*args: str, env: dict[str, str] | None = None) -> Container:
        name = f"vetiver-it-{uuid.uuid4().hex[:8]}"
        port = free_port()
        options = [f"--env=PORT={port}", *(f"--env={k}={v}" for k, v in (env or {}).items())]
        image.docker(
            "run",
            "--detach",
            "--name",
            name,
            "--network",
            "host",
            "--health-interval",
            "1s",
            *options,
            image.tag,
            *args,
        )
        started.append(name)
        return Container(name, port)

    yield run
    for name in started:
        image.docker("rm", "--force", name, check=False)


def state(image: Image, container: Container) -> dict:
    return json.loads(image.docker("inspect", "--format", "{{json .State}}", container.name).stdout)


def wait_until_ready(image: Image, container: Container, timeout: float = 90) -> dict:
    """Poll ``/ping`` until it answers 200; fail with the container's log if it exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{container.port}/ping", timeout=2) as response:
                if response.status == 200:
                    return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if not state(image, container)["Running"]:
            break
        time.sleep(0.5)
    logs = image.docker("logs", container.name, check=False)
    pytest.fail(f"container never answered /ping:\n{logs.stdout[-2000:]}{logs.stderr[-2000:]}")


def predict(container: Container, rows: list[dict]) -> list[float]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{container.port}/predict",
        data=json.dumps(rows).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["predict"]


def stop_with_sigterm(image: Image, container: Container) -> tuple[int, float, str]:
    started = time.monotonic()
    image.docker("stop", "--time", "30", container.name)  # SIGTERM; SIGKILL only after 30 s
    seconds = time.monotonic() - started
    logs = image.docker("logs", container.name)
    return state(image, container)["ExitCode"], seconds, logs.stdout + logs.stderr


def test_image_is_non_root_healthchecked_and_has_no_build_leftovers(image: Image):
    config = json.loads(image.docker("image", "inspect", "--format", "{{json .Config}}", image.tag).stdout)
    assert config["User"] == "10001:10001"
    assert config["Entrypoint"][:2] == ["/bin/sh", "-c"] and "exec vetiver serve" in config["Entrypoint"][2]
    assert config["Healthcheck"]["Test"][:3] == ["CMD", "python", "-c"]
    assert "8080/tcp" in config["ExposedPorts"]
    assert f"VETIVER_PIN_VERSION={image.pinned.versions[-1]}" in config["Env"]

    leftovers = image.docker(
        "run",
        "--rm",
        "--network",
        "none",
        "--entrypoint",
        "/bin/sh",
        image.tag,
        "-c",
        "id -u; ls /vetiver; command -v gcc cc make || true; ls /root/.cache/pip 2>/dev/null || true",
    ).stdout.split()
    assert leftovers == ["10001", "board"]  # no wheels, requirements, compilers or pip cache

    size = int(image.docker("image", "inspect", "--format", "{{.Size}}", image.tag).stdout)
    base = int(image.docker("image", "inspect", "--format", "{{.Size}}", image.testbed.base_tags[0]).stdout)
    print(
        f"\nimage {image.tag}: {size / 1e6:.0f} MB ({(size - base) / 1e6:.0f} MB above the base image), "
        f"built in {image.build_seconds:.0f} s"
    )


def test_serves_the_pinned_model_over_loopback_and_stops_on_sigterm(image: Image, run_container):
    pinned = image.pinned
    container = run_container()
    assert wait_until_ready(image, container) == {"ping": "pong"}

    served = predict(container, pinned.rows.to_dict("records"))
    reference = vetiver.VetiverModel.from_pin(pinned.board, pinned.name)  # newest, in process
    assert served == pytest.approx(reference.model.predict(pinned.rows).tolist())
    assert served != pytest.approx(pinned.models[0].model.predict(pinned.rows).tolist())  # not the oldest

    deadline = time.monotonic() + 30
    while state(image, container)["Health"]["Status"] != "healthy" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert state(image, container)["Health"]["Status"] == "healthy"  # the image's own HEALTHCHECK

    code, seconds, logs = stop_with_sigterm(image, container)
    assert code == 0 and seconds < 10, logs[-2000:]
    assert "Finished server process" in logs


def test_starts_the_sagemaker_way_with_several_workers(image: Image, run_container):
    container = run_container("serve", env={"VETIVER_WORKERS": "2"})  # docker run IMAGE serve
    wait_until_ready(image, container)
    rows = image.pinned.rows.to_dict("records")
    assert len(predict(container, rows)) == len(rows)
    processes = image.docker("top", container.name, "-eo", "pid,args").stdout
    assert processes.count("multiprocessing.spawn") == 2, processes  # two workers under vetiver serve

    code, seconds, logs = stop_with_sigterm(image, container)
    assert code == 0 and seconds < 15, logs[-2000:]


def test_a_missing_pin_version_fails_fast_with_one_line(image: Image):
    result = image.docker(
        "run",
        "--rm",
        "--network",
        "host",
        f"--env=PORT={free_port()}",
        "--env=VETIVER_PIN_VERSION=20000101T000000Z-00000",
        image.tag,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("vetiver: error:") and "20000101T000000Z-00000" in result.stderr
