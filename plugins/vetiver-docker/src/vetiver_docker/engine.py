"""Building the prepared context with the local Docker engine, through the ``docker`` CLI.

The CLI rather than the Docker SDK: it is what users have, it honours their contexts, ``DOCKER_HOST``
and BuildKit settings, and its output is the build progress they know.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from collections import deque
from pathlib import Path
from typing import TextIO

from vetiver.errors import VetiverError


class DockerUnavailableError(VetiverError):
    """No Docker engine answers; the message says how to build the prepared context by hand."""


class ImageBuildError(VetiverError):
    """``docker build`` failed; the message ends with its last lines."""


def build_command(context: Path, tag: str, *, network: str | None = None, docker: str = "docker") -> list[str]:
    """The ``docker build`` command for a prepared context."""
    command = [docker, "build", "--tag", tag]
    if network:
        command += ["--network", network]
    return [*command, str(context)]


def engine_problem(docker: str = "docker") -> str | None:
    """Why no Docker engine can build here, or None when one answers."""
    if shutil.which(docker) is None:
        return f"the {docker!r} command is not installed"
    try:
        result = subprocess.run(
            [docker, "version", "--format", "{{.Server.Version}}"], capture_output=True, text=True, timeout=30
        )
    except subprocess.TimeoutExpired:
        return "the Docker engine did not answer within 30 s"
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return lines[-1] if lines else f"docker version exited with {result.returncode}"
    return None


def build_image(
    context: Path,
    tag: str,
    *,
    network: str | None = None,
    docker: str = "docker",
    progress: TextIO | None = None,
) -> str:
    """Build ``context`` as ``tag``, echoing the engine's progress lines to ``progress``.

    Raises:
        DockerUnavailableError: no engine answers (the message gives the command to run later).
        ImageBuildError: the build failed.
    """
    command = build_command(context, tag, network=network, docker=docker)
    problem = engine_problem(docker)
    if problem is not None:
        raise DockerUnavailableError(
            f"no Docker engine is reachable ({problem}); the build context is ready in {context}; "
            f"build it where an engine runs with: {shlex.join(command)}"
        )
    code, tail = run_streaming(command, progress)
    if code != 0:
        raise ImageBuildError(f"docker build of {tag} failed (exit {code}): {' | '.join(tail)}")
    return tag


def run_streaming(command: list[str], progress: TextIO | None = None, *, stdin: str | None = None,
                  keep: int = 5) -> tuple[int, list[str]]:  # fmt: skip
    """Run ``command``, echoing its output lines to ``progress`` (stdout by default) as they come,
    with ``stdin`` as its input; returns the exit code and the last ``keep`` non-empty lines."""
    out = progress or sys.stdout
    tail: deque[str] = deque(maxlen=keep)
    with subprocess.Popen(command, stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:  # fmt: skip
        assert process.stdout is not None
        if stdin is not None:
            assert process.stdin is not None
            process.stdin.write(stdin)
            process.stdin.close()
        for line in process.stdout:
            out.write(line)
            out.flush()
            if line.strip():
                tail.append(line.strip())
        return process.wait(), list(tail)
