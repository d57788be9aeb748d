"""A Docker registry on 127.0.0.1: Debian's ``docker-registry`` (CNCF distribution), standing in for
ECR or any registry images are pushed to (testing-real-parts.md §1.4). 127.0.0.0/8 registries are
insecure by default in Docker, so no TLS is needed. Started per test session, stopped by its PID."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.support.moto import free_port

_CONFIG = """\
version: 0.1
log: {{level: warn}}
storage: {{filesystem: {{rootdirectory: {root}}}, delete: {{enabled: true}}}}
http: {{addr: 127.0.0.1:{port}}}
"""


@pytest.fixture(scope="session")
def loopback_registry(tmp_path_factory) -> Iterator[str]:
    """``127.0.0.1:PORT`` of a running registry (skipped where ``docker-registry`` is missing)."""
    executable = shutil.which("docker-registry")
    if executable is None:
        pytest.skip("docker-registry is not installed (Debian: apt-get install docker-registry)")
    folder = tmp_path_factory.mktemp("registry")
    port = free_port()
    config = folder / "registry.yml"
    config.write_text(_CONFIG.format(root=folder / "data", port=port))
    with open(folder / "registry.log", "w") as log:
        process = subprocess.Popen([executable, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"docker-registry exited: {(folder / 'registry.log').read_text()[-1000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("docker-registry did not listen within 30 s")
                time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
