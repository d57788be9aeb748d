"""vetiver-python 0.2.6 from PyPI in its own virtual environment, for interoperability tests.

The environment is built once per machine and set of framework versions under
``.cache/legacy-vetiver-0.2.6-<hash>`` (or ``$VETIVER_LEGACY_VENV``) and reused. Where it cannot be built (no package index), tests using it
are skipped with the pip error as the reason.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ["scikit-learn", "pandas", "numpy", "xgboost", "statsmodels"]


def legacy_requirements() -> list[str]:
    """vetiver 0.2.6 plus the frameworks at the versions installed here, so pickles made on one
    side unpickle on the other."""
    import importlib.metadata

    pinned = []
    for name in FRAMEWORKS:
        try:
            pinned.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            pinned.append(name)
    return ["vetiver==0.2.6", "pins==0.9.2", *pinned]


def _venv_dir(requirements: list[str]) -> Path:
    """One environment per set of pinned requirements, so sessions with different frameworks
    installed never rebuild (or break) each other's."""
    if "VETIVER_LEGACY_VENV" in os.environ:
        return Path(os.environ["VETIVER_LEGACY_VENV"])
    digest = hashlib.sha256(" ".join(requirements).encode()).hexdigest()[:12]
    return ROOT / ".cache" / f"legacy-vetiver-0.2.6-{digest}"


def _python(venv_dir: Path) -> Path:
    return venv_dir / "bin" / "python"


def build_legacy_env() -> Path:
    """Build (once) and return the Python of an environment with vetiver 0.2.6."""
    requirements = legacy_requirements()
    venv_dir = _venv_dir(requirements)
    venv_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(venv_dir.parent / f"{venv_dir.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # concurrent test sessions wait for one builder
        if _python(venv_dir).exists():
            return _python(venv_dir)
        # Build beside the final folder and rename: a half-built environment is never used.
        staging = venv_dir.with_name(f"{venv_dir.name}.building")
        shutil.rmtree(staging, ignore_errors=True)
        venv.EnvBuilder(with_pip=True).create(staging)
        result = subprocess.run(
            [str(_python(staging)), "-m", "pip", "install", "-q", "--disable-pip-version-check", *requirements],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "pip failed")
        staging.rename(venv_dir)
    return _python(venv_dir)


class LegacyVetiver:
    """Runs Python snippets with vetiver 0.2.6 and returns their JSON output."""

    def __init__(self, python: Path) -> None:
        self.python = python

    def run(self, code: str, **env: str) -> object:
        """Run ``code`` (which must ``print(json.dumps(...))`` as its last output line)."""
        result = subprocess.run(
            [str(self.python), "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, **env, "PYTHONPATH": ""},
        )
        if result.returncode != 0:
            raise AssertionError(f"vetiver 0.2.6 snippet failed:\n{result.stderr}")
        return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def legacy_vetiver() -> LegacyVetiver:
    try:
        python = build_legacy_env()
    except Exception as error:  # noqa: BLE001 - no index reachable: skip, saying why
        pytest.skip(f"cannot build the vetiver 0.2.6 environment: {error}")
    assert python.exists(), sys.executable
    return LegacyVetiver(python)
