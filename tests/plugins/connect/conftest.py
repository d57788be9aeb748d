"""Fixtures of the Connect tier: the Connect API test server (a stand-in for Posit Connect, which
cannot run here; see ``tests/support/connect_server.py``), the wheelhouse its apps install from,
and small bundles.

The servers are session-scoped and so is the wheelhouse; installed environments are reused by
requirements hash, so each distinct app pays its install once per session.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import os
import subprocess
import sys
import tarfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.connect_server import DRAFT_VERSION, LEGACY_VERSION, ConnectTestServer, connect_server, free_port

TINY_REQUIREMENTS = ("starlette", "uvicorn")
"""What the small test apps need (pinned to the installed versions)."""


def _cache_root() -> Path:
    root = os.environ.get("VETIVER_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "vetiver"
    )
    return Path(root)


class Wheelhouse:
    """A folder of wheels, the only package source of the test server's installs.

    Filled with ``pip download`` (wheels only) of pinned requirements; kept between sessions
    under the vetiver cache so a rerun downloads nothing.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._added: set[str] = set()

    def add(self, requirements: list[str], *, deps: bool = True) -> None:
        key = hashlib.sha256("\n".join(sorted(requirements)).encode()).hexdigest()[:16] + str(deps)
        marker = self.folder / f".added-{key}"
        if key in self._added or marker.exists():
            return
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--only-binary=:all:",
                *([] if deps else ["--no-deps"]),
                "--dest",
                str(self.folder),
                *requirements,
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode != 0:
            pytest.fail(f"pip download failed: {result.stderr.strip()[-1500:]}")
        marker.write_text("\n".join(requirements))
        self._added.add(key)

    def add_file(self, requirements_file: Path) -> None:
        """Download what a generated (fully pinned) requirements file names, except options and
        the distributions whose wheels the bundle carries in ``wheels/``."""
        from packaging.utils import canonicalize_name, parse_wheel_filename

        carried = {parse_wheel_filename(w.name)[0] for w in (requirements_file.parent / "wheels").glob("*.whl")}
        lines = [line.split("#")[0].strip() for line in requirements_file.read_text().splitlines()]
        pins = [line for line in lines if line and not line.startswith("-") and "==" in line]
        self.add([p for p in pins if canonicalize_name(p.split("==")[0].split("[")[0]) not in carried], deps=False)


def bundle_names(archive: bytes) -> list[str]:
    """The member names of a ``.tar.gz`` bundle."""
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        return tar.getnames()


def bundle_member(archive: bytes, name: str) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        member = tar.extractfile(name)
        assert member is not None
        return member.read()


def free_port_url() -> str:
    """A loopback URL nothing listens on."""
    return f"http://127.0.0.1:{free_port()}"


def pinned(*names: str) -> list[str]:
    return [f"{name}=={importlib.metadata.version(name)}" for name in names]


@pytest.fixture(scope="session")
def wheelhouse() -> Wheelhouse:
    house = Wheelhouse(_cache_root() / "connect-wheelhouse")
    house.add(pinned(*TINY_REQUIREMENTS))
    return house


@pytest.fixture(scope="session")
def connect(tmp_path_factory, wheelhouse) -> Iterator[ConnectTestServer]:
    """A test server reporting a Connect version with drafts (2025.06 and later)."""
    with connect_server(tmp_path_factory.mktemp("connect"), wheelhouse.folder, DRAFT_VERSION) as server:
        yield server


@pytest.fixture(scope="session")
def legacy_connect(tmp_path_factory, wheelhouse) -> Iterator[ConnectTestServer]:
    """A test server reporting a Connect version without drafts."""
    with connect_server(tmp_path_factory.mktemp("connect-legacy"), wheelhouse.folder, LEGACY_VERSION) as server:
        yield server


@pytest.fixture(autouse=True)
def _private_pins_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PINS_CACHE_DIR", str(tmp_path / "pins-cache"))
    monkeypatch.setenv("RSCONNECT_DISABLE_VERSION_CHECK", "1")
    monkeypatch.delenv("CONNECT_SERVER", raising=False)
    monkeypatch.delenv("CONNECT_API_KEY", raising=False)


TINY_APP = """\
import os

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

{prelude}

async def ping(request):
    return JSONResponse({{"ping": "pong", "release": {release!r}, "greeting": os.environ.get("GREETING")}})

api = Starlette(routes=[Route("/ping", ping)])
"""


def tiny_bundle(folder: Path, release: str, *, prelude: str = "", requirements: list[str] | None = None) -> bytes:
    """A bundle of a small starlette API answering ``/ping`` with ``release``; ``prelude`` runs at
    import (``raise RuntimeError(...)`` makes an app that crashes at start)."""
    from vetiver_connect.manifest import archive, write_manifest

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "app.py").write_text(TINY_APP.format(prelude=textwrap.dedent(prelude), release=release))
    reqs = pinned(*TINY_REQUIREMENTS) if requirements is None else requirements
    (folder / "requirements.txt").write_text("\n".join(reqs) + "\n")
    write_manifest(folder)
    return archive(folder)
