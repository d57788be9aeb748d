"""Every ```python block in docs/ runs: the blocks of each page, in order and in one namespace, in
a fresh interpreter in an empty temporary folder. Blocks are read from the Markdown itself, so a
page cannot show code that does not work (see markdown_code.py for the markers)."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.markdown_code import DEMO_ADDRESS, KINDS, page_requirements, python_blocks
from vetiver.testing import wait_for_ping

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if python_blocks(p, ROOT))
VETIVER = str(Path(sys.executable).with_name("vetiver"))

# Runs the blocks with their page and line as file name and line offset, so a traceback points
# at the Markdown.
DRIVER = """
import json, sys
namespace = {"__name__": "__main__"}
for where, line, code in json.load(open(sys.argv[1])):
    exec(compile("\\n" * (line) + code, where, "exec"), namespace)
"""


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VETIVER_", "PINS_ALLOW")) and k != "PORT"}
    return {**env, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoServer:
    """``vetiver demo`` on a free port of 127.0.0.1, started for pages that call a served model."""

    def __init__(self, folder: Path) -> None:
        self.address = f"127.0.0.1:{_free_port()}"
        port = self.address.rsplit(":", 1)[1]
        self.log = folder / "demo.log"  # a file, not a pipe: a full pipe would stall the server
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([VETIVER, "demo", "--board", str(folder / "demo-board"), "--port", port],
                                            env=_clean_env(), stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            wait_for_ping(f"http://{self.address}", self.process, log=self.log)
        except BaseException:
            self.process.kill()
            self.process.wait(30)
            raise

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(60)


def test_markers_are_known_and_skips_say_why():
    for page in PAGES:
        for block in python_blocks(page, ROOT):
            assert block.marker is None or block.marker in KINDS, f"{block.where}: unknown marker {block.marker!r}"
            if block.marker == "skip":
                assert block.reason, f"{block.where}: a skipped block must say why (<!-- docs-test: skip REASON -->)"


def test_most_examples_run():
    blocks = [b for page in PAGES for b in python_blocks(page, ROOT)]
    skipped = [b.where for b in blocks if not b.runs]
    assert len(skipped) <= len(blocks) // 4, f"{len(skipped)} of {len(blocks)} blocks are skipped: {skipped}"


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_page_examples_run(page: Path, tmp_path: Path) -> None:
    missing = [m for m in page_requirements(page) if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{page.name} needs {', '.join(missing)}, installed in another nox session")
    blocks = [b for b in python_blocks(page, ROOT) if b.runs]
    if not blocks:
        pytest.skip(f"every python block of {page.name} is marked skip")
    server = DemoServer(tmp_path) if any(b.marker == "with-demo-server" for b in blocks) else None
    try:
        program = [
            (
                b.where,
                b.line,
                b.code.replace(DEMO_ADDRESS, server.address) if b.marker == "with-demo-server" else b.code,
            )
            for b in blocks
        ]
        (tmp_path / "blocks.json").write_text(json.dumps(program))
        (tmp_path / "driver.py").write_text(DRIVER)
        work = tmp_path / "work"
        work.mkdir()
        result = subprocess.run([sys.executable, str(tmp_path / "driver.py"), str(tmp_path / "blocks.json")],
                                cwd=work, env=_clean_env(), capture_output=True, text=True, timeout=600)  # fmt: skip
    finally:
        if server is not None:
            server.stop()
    assert result.returncode == 0, f"an example in {page.relative_to(ROOT)} failed:\n{result.stderr[-4000:]}"
