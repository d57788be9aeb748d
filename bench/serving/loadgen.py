"""wrk as the load generator: request scripts, one run, and its parsed figures.

Shared by ``run.py`` (vetiver-core vs 0.2.6 vs a bare handler) and ``compare.py`` (vetiver-core
vs MLServer, BentoML, MLflow and 0.2.6).
"""

from __future__ import annotations

import re
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass
class WrkRun:
    """What one wrk run measured."""

    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers plus socket errors


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lua_script(folder: Path, body: Path, content_type: str, name: str | None = None) -> Path:
    """A wrk script POSTing the file ``body`` with ``content_type``."""
    stem = name or f"{body.stem}-{content_type.rsplit('.', 1)[-1].replace('/', '-')}"
    script = folder / f"{stem}.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.headers["Content-Type"] = "{content_type}"\n'
        f'local f = assert(io.open("{body}", "rb"))\n'
        'wrk.body = f:read("*a")\n'
        "f:close()\n"
    )
    return script


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()
    return float(value) * _UNITS[unit]


def run_wrk(url: str, script: Path, duration: int, connections: int) -> WrkRun:
    """One ``wrk -t1`` run of ``duration`` seconds with ``connections`` open connections."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    requests = int(re.search(r"^\s*(\d+) requests in", out, re.M).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return WrkRun(requests, rps, p50, p99, errors)
