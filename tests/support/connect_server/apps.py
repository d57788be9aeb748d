"""Running uploaded apps: environments installed offline from a wheelhouse, one uvicorn process per bundle."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from .records import OUTPUT_TAIL


@dataclass
class AppProcess:
    """One bundle's app: a uvicorn child process on a loopback port, or why it failed to start."""

    process: subprocess.Popen | None
    port: int
    log: Path
    failure: str = ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self) -> list[str]:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return lines[-OUTPUT_TAIL:]

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Environments:
    """Virtual environments per requirements hash, installed offline from a wheelhouse."""

    def __init__(self, root: Path, wheelhouse: Path | None) -> None:
        self.root = root
        self.wheelhouse = wheelhouse
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def key(self, folder: Path, requirements: Path) -> str:
        digest = hashlib.sha256(requirements.read_bytes())
        for wheel in sorted(folder.rglob("*.whl")):  # wheels shipped inside the bundle
            digest.update(wheel.name.encode() + hashlib.sha256(wheel.read_bytes()).digest())
        return digest.hexdigest()[:16]

    def build(self, folder: Path, requirements: Path, log: list[str]) -> Path:
        """Install ``requirements`` (relative paths resolve against ``folder``) and return the
        environment; raises ``RuntimeError`` with the installer's last lines when it fails."""
        key = self.key(folder, requirements)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        env_dir = self.root / key
        with lock:
            if (env_dir / ".complete").exists():
                log.append(f"Reusing the Python environment for these requirements ({key}).")
                return env_dir
            shutil.rmtree(env_dir, ignore_errors=True)
            log.append(f"Building a Python environment ({key}) from {requirements.name}, offline.")
            uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
            find_links = ["--find-links", str(self.wheelhouse)] if self.wheelhouse else []
            if uv:
                steps = [
                    [uv, "venv", "--quiet", "--python", sys.executable, str(env_dir)],
                    [
                        uv,
                        "pip",
                        "install",
                        "--offline",
                        "--no-index",
                        *find_links,
                        "--python",
                        str(env_dir / "bin" / "python"),
                        "-r",
                        str(requirements),
                    ],
                ]
            else:
                steps = [
                    [sys.executable, "-m", "venv", str(env_dir)],
                    [
                        str(env_dir / "bin" / "python"),
                        "-m",
                        "pip",
                        "install",
                        "--disable-pip-version-check",
                        "--no-index",
                        *find_links,
                        "-r",
                        str(requirements),
                    ],
                ]
            for step in steps:
                result = subprocess.run(
                    step,
                    cwd=folder,
                    capture_output=True,
                    text=True,
                    timeout=900,
                    env={**os.environ, "UV_NO_PROGRESS": "1"},
                )
                lines = (result.stdout + result.stderr).strip().splitlines()
                log.extend(lines[-OUTPUT_TAIL:])
                if result.returncode != 0:
                    shutil.rmtree(env_dir, ignore_errors=True)
                    raise RuntimeError("; ".join(line.strip() for line in lines[-5:]) or "install failed")
            (env_dir / ".complete").write_text(key)
            return env_dir
