"""A real Docker engine for integration tests, on a machine with no registry access.

What the session fixture :func:`docker_testbed` sets up (``testing-real-parts.md`` §1):

1. ``dockerd`` from Debian's ``docker.io``, started by hand in a temporary folder with no bridge
   and no iptables (containers use ``--network host``), and stopped by its PID at the end;
2. a stand-in for ``python:3.X-slim``, since Docker Hub is unreachable: a Debian root filesystem
   made with mmdebstrap (cached under ``.cache/docker``, ~30 s the first time), imported, given a
   virtual environment and a ``pip.conf`` that installs only from the wheelhouse below;
3. a wheelhouse served by ``http.server`` on 127.0.0.1, filled with ``pip download`` of the
   requirements a test's build context needs.

Builds use the legacy builder (``DOCKER_BUILDKIT=0``: Debian has no buildx). Where the engine
cannot start (no ``dockerd``, not root, no mirror), the fixture skips with the reason. CI can
reuse this module directly: ``python -m tests.support.docker_engine`` starts everything, runs
``docker info`` and stops it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATE_PREFIX = "vd-"  # short: unix socket paths are limited to 108 bytes
DEBIAN_SUITE = "bookworm"
ROOTFS_PACKAGES = ("python3", "python3-pip", "python3-venv", "ca-certificates")
PYTHON_MINOR = f"{sys.version_info.major}.{sys.version_info.minor}"
# Debian bookworm's python3 is 3.11: the stand-in replaces python:3.11 images only.
STANDIN_TAGS = ("python:3.11-slim", "python:3.11")

_STANDIN_DOCKERFILE = """\
FROM localbase/bookworm-py:raw
RUN python3 -m venv /usr/local/py && ln -s /usr/local/py/bin/python /usr/local/bin/python \\
 && printf '[global]\\nno-index = true\\nfind-links = {wheelhouse}\\n' > /etc/pip.conf
ENV PATH=/usr/local/py/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
CMD ["python3"]
"""


class EngineUnavailable(RuntimeError):
    """The Docker engine (or its base image) cannot be set up here; the message says why."""


def cache_dir() -> Path:
    path = Path(os.environ.get("VETIVER_DOCKER_CACHE", ROOT / ".cache" / "docker"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def debian_mirror() -> str:
    """The Debian mirror apt uses here (``VETIVER_DEBIAN_MIRROR`` overrides it)."""
    if os.environ.get("VETIVER_DEBIAN_MIRROR"):
        return os.environ["VETIVER_DEBIAN_MIRROR"]
    sources = [*sorted(Path("/etc/apt/sources.list.d").glob("*.sources")), Path("/etc/apt/sources.list")]
    for path in sources:
        if not path.is_file():
            continue
        text = path.read_text()
        for stanza in re.split(r"\n\s*\n", text):  # deb822 stanzas
            uris = re.search(r"^URIs:\s*(\S+)", stanza, re.M)
            suites = re.search(r"^Suites:\s*(.+)$", stanza, re.M)
            if uris and suites and DEBIAN_SUITE in suites.group(1).split():
                return uris.group(1)
        for line in text.splitlines():  # one-line format
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "deb" and parts[2] == DEBIAN_SUITE:
                return parts[1]
    return "http://deb.debian.org/debian"


@dataclass
class Engine:
    """A running ``dockerd`` and the environment its clients need."""

    folder: Path
    process: subprocess.Popen
    env: dict[str, str] = field(default_factory=dict)

    def docker(self, *args: str, check: bool = True, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
        """Run the docker CLI against this engine (output captured as text)."""
        result = subprocess.run(
            ["docker", *args], env=self.env, capture_output=True, text=True, timeout=timeout, **kwargs
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"docker {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
        return result

    def stop(self) -> None:
        """Stop the daemon by its PID (it stops its containers and its containerd first)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        remove_state(self.folder)


def _mounts_under(folder: Path) -> list[str]:
    prefix = f"{folder.resolve()}/"
    with open("/proc/self/mounts") as mounts:
        points = [line.split()[1] for line in mounts]
    return sorted((p for p in points if p.startswith(prefix)), reverse=True)  # deepest first


def remove_state(folder: Path) -> None:
    """Delete an engine's state folder; dockerd leaves its network namespace mounted there."""
    for point in _mounts_under(folder):
        subprocess.run(["umount", point], capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


def reap_orphans() -> None:
    """Stop daemons left by test runs that were killed before their teardown (by the PIDs those
    runs recorded), and delete their state."""
    for owner_file in Path(tempfile.gettempdir()).glob(f"{STATE_PREFIX}*/owner.pid"):
        folder = owner_file.parent
        if _alive(int(owner_file.read_text() or 0)):
            continue
        pid_file = folder / "engine" / "dockerd.pid"
        if pid_file.exists() and _alive(pid := int(pid_file.read_text() or 0)):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 30
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
        remove_state(folder)


def _alive(pid: int) -> bool:
    """True for a running process; a killed one not yet reaped (a zombie) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text() if pid > 0 else ""
    except OSError:
        return False
    return bool(stat) and stat.rsplit(")", 1)[1].split()[0] != "Z"


def start_engine(folder: Path, timeout: float = 60) -> Engine:
    """Start ``dockerd`` with its state in ``folder``; raise :class:`EngineUnavailable` if it can't."""
    if shutil.which("dockerd") is None or shutil.which("docker") is None:
        raise EngineUnavailable("dockerd/docker not installed (Debian: apt-get install docker.io)")
    if os.geteuid() != 0:
        raise EngineUnavailable("dockerd needs root here (rootless Docker is not set up)")
    folder.mkdir(parents=True, exist_ok=True)
    socket_path = folder / "docker.sock"
    log = open(folder / "dockerd.log", "w")  # noqa: SIM115 - handed to the daemon for its lifetime
    process = subprocess.Popen(
        [
            "dockerd",
            "--data-root",
            str(folder / "data"),
            "--exec-root",
            str(folder / "exec"),
            "--host",
            f"unix://{socket_path}",
            "--pidfile",
            str(folder / "dockerd.pid"),
            "--bridge=none",
            "--iptables=false",
            "--ip6tables=false",
            "--ip-masq=false",
            "--storage-driver=overlay2",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    env = {**os.environ, "DOCKER_HOST": f"unix://{socket_path}", "DOCKER_BUILDKIT": "0"}
    engine = Engine(folder, process, env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = (folder / "dockerd.log").read_text().strip().splitlines()[-3:]
            raise EngineUnavailable(f"dockerd exited with {process.returncode}: {' | '.join(tail)}")
        if socket_path.exists() and engine.docker("info", check=False, timeout=20).returncode == 0:
            return engine
        time.sleep(0.5)
    engine.stop()
    raise EngineUnavailable(f"dockerd did not answer within {timeout:.0f} s")


def debian_rootfs() -> Path:
    """A cached tarball of a minimal Debian with Python, made with mmdebstrap."""
    key = hashlib.sha256(" ".join([DEBIAN_SUITE, *ROOTFS_PACKAGES]).encode()).hexdigest()[:12]
    tarball = cache_dir() / f"{DEBIAN_SUITE}-py-{key}.tar"
    if tarball.exists():
        return tarball
    if shutil.which("mmdebstrap") is None:
        raise EngineUnavailable("mmdebstrap not installed (Debian: apt-get install mmdebstrap)")
    partial = tarball.with_suffix(f".{os.getpid()}.partial.tar")
    result = subprocess.run(
        [
            "mmdebstrap",
            "--variant=minbase",
            f"--include={','.join(ROOTFS_PACKAGES)}",
            DEBIAN_SUITE,
            str(partial),
            debian_mirror(),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        tail = " | ".join(result.stderr.strip().splitlines()[-3:])
        raise EngineUnavailable(f"mmdebstrap failed: {tail}")
    partial.rename(tarball)  # atomic: concurrent sessions never see half a tarball
    return tarball


class Wheelhouse:
    """A folder of wheels served over HTTP on 127.0.0.1, the image builds' only package index."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, requirements: Path) -> None:
        """``pip download`` the wheels ``requirements`` pins (its ``--find-links`` included)."""
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--only-binary=:all:",
                "--dest",
                str(self.folder),
                "-r",
                str(requirements),
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode != 0:
            raise RuntimeError(f"pip download failed: {result.stderr.strip()[-2000:]}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def build_standin(engine: Engine, wheelhouse_url: str, tags: Sequence[str] = STANDIN_TAGS) -> None:
    """Import the Debian root filesystem and tag a ``python:3.11`` stand-in using ``wheelhouse_url``."""
    engine.docker("import", str(debian_rootfs()), "localbase/bookworm-py:raw", timeout=300)
    with tempfile.TemporaryDirectory(prefix="vetiver-standin-") as context:
        (Path(context) / "Dockerfile").write_text(_STANDIN_DOCKERFILE.format(wheelhouse=wheelhouse_url))
        tag_args = [arg for tag in tags for arg in ("--tag", tag)]
        engine.docker("build", "--network", "none", *tag_args, context, timeout=300)


@dataclass
class DockerTestbed:
    """What integration tests get: the engine, the wheelhouse its builds install from, and the
    ``python:3.11`` stand-in tags."""

    engine: Engine
    wheelhouse: Wheelhouse
    base_tags: tuple[str, ...] = STANDIN_TAGS


@contextlib.contextmanager
def testbed(folder: Path) -> Iterator[DockerTestbed]:
    """Start everything under ``folder``; stop it all (daemon by PID) on exit."""
    if PYTHON_MINOR != "3.11":
        raise EngineUnavailable(f"the Debian stand-in base is Python 3.11; these tests run on {PYTHON_MINOR}")
    wheelhouse = Wheelhouse(folder / "wheelhouse")
    engine = None
    try:
        engine = start_engine(folder / "engine")
        build_standin(engine, wheelhouse.url)
        yield DockerTestbed(engine, wheelhouse)
    finally:
        if engine is not None:
            engine.stop()
        wheelhouse.close()


@pytest.fixture(scope="session")
def docker_testbed() -> Iterator[DockerTestbed]:
    """A started Docker engine with a ``python:3.11`` stand-in base; skips, saying why, where
    none can start."""
    reap_orphans()
    folder = Path(tempfile.mkdtemp(prefix=STATE_PREFIX))
    (folder / "owner.pid").write_text(str(os.getpid()))
    manager = testbed(folder)
    try:
        bed = manager.__enter__()
    except EngineUnavailable as error:
        remove_state(folder)
        print(f"\nDocker integration tier skipped: {error}", file=sys.stderr)
        pytest.skip(f"no Docker engine: {error}")
    try:
        yield bed
    finally:
        manager.__exit__(None, None, None)
        remove_state(folder)


if __name__ == "__main__":  # a smoke check for CI scripts and people
    with tempfile.TemporaryDirectory(prefix=STATE_PREFIX) as scratch, testbed(Path(scratch)) as bed:
        print(bed.engine.docker("info", "--format", "{{.ServerVersion}} {{.Driver}}").stdout.strip())
        print(bed.engine.docker("run", "--rm", "--network", "none", STANDIN_TAGS[0], "python", "--version").stdout)
