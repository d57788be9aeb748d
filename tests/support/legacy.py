"""vetiver-python 0.2.6 from PyPI in its own virtual environment, for interoperability tests.

The environment is built once per machine under ``.cache/legacy-vetiver-0.2.6`` (or
``$VETIVER_LEGACY_VENV``) and reused. Where it cannot be built (no package index), tests using it
are skipped with the pip error as the reason.
"""

from __future__ import annotations

import json
import os
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


def _venv_dir() -> Path:
    return Path(os.environ.get("VETIVER_LEGACY_VENV", ROOT / ".cache" / "legacy-vetiver-0.2.6"))


def _python(venv_dir: Path) -> Path:
    return venv_dir / "bin" / "python"


def build_legacy_env() -> Path:
    venv_dir = _venv_dir()
    marker = venv_dir / ".complete"
    requirements = legacy_requirements()
    if marker.exists() and marker.read_text() == " ".join(requirements):
        return _python(venv_dir)
    venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
    python = _python(venv_dir)
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *requirements],
        capture_output=True, text=True, timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "pip failed")
    marker.write_text(" ".join(requirements))
    return python


class LegacyVetiver:
    """Runs Python snippets with vetiver 0.2.6 and returns their JSON output."""

    def __init__(self, python: Path) -> None:
        self.python = python

    def run(self, code: str, **env: str) -> object:
        """Run ``code`` (which must ``print(json.dumps(...))`` as its last output line)."""
        result = subprocess.run(
            [str(self.python), "-c", textwrap.dedent(code)],
            capture_output=True, text=True, timeout=300,
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
