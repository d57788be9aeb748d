"""Real installed distributions made on the fly: a module plus a ``.dist-info`` with an entry
point, in a folder put on ``PYTHONPATH`` of a subprocess. ``importlib.metadata`` finds them
exactly as it finds pip-installed plugins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path


def make_dist(site: Path, dist: str, version: str, module: str, source: str, entry_point: str | None = None) -> None:
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(textwrap.dedent(source))
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[vetiver]\n{entry_point or module} = {module}\n")


def run_python(code: str, site: Path | None = None, **env: str) -> dict:
    """Run ``code`` in a fresh interpreter (with ``site`` on the path); its last stdout line is JSON."""
    environment = {**os.environ, **env}
    if site is not None:
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), environment.get("PYTHONPATH", "")]))
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    if result.returncode != 0:
        raise AssertionError(f"subprocess failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])
