"""One virtual environment per peer server, built with uv from ``peers/<name>.txt``.

Every environment gets scikit-learn, numpy, pandas and joblib at exactly the versions of the
environment running the benchmark, so the one fitted model file loads identically everywhere and
``model.predict`` costs the same in every server. An environment is rebuilt only when its
requirements change (they are recorded in the environment).
"""

from __future__ import annotations

import importlib.metadata
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FRAMEWORKS = ("scikit-learn", "numpy", "pandas", "joblib")
_STAMP = "bench-requirements.txt"


def requirements(name: str) -> list[str]:
    """The peer's own pinned requirements plus the framework pins of this environment."""
    lines = (HERE / "peers" / f"{name}.txt").read_text().splitlines()
    own = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return own + [f"{package}=={importlib.metadata.version(package)}" for package in FRAMEWORKS]


def ensure_env(name: str, root: Path, uv_args: str = "") -> Path:
    """The python of the peer environment ``root/bench-<name>``, built (or rebuilt) if needed.

    ``uv_args`` are extra ``uv pip install`` arguments (e.g. a local wheel folder and constraints).
    """
    if shutil.which("uv") is None:
        raise RuntimeError("uv is needed to build the peer environments (pip install uv)")
    wanted = requirements(name)
    folder = root / f"bench-{name}"
    python = folder / "bin" / "python"
    stamp = folder / _STAMP
    if python.exists() and stamp.exists() and stamp.read_text().splitlines() == wanted:
        return python
    print(f"building the {name} environment in {folder}: {' '.join(wanted)}", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    subprocess.run(["uv", "venv", "-q", "-p", version, str(folder)], check=True)
    result = subprocess.run(
        ["uv", "pip", "install", "-q", "--python", str(python), *shlex.split(uv_args), *wanted],
        capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"cannot build the {name} environment:\n{result.stderr.strip()[-3000:]}")
    stamp.write_text("\n".join(wanted) + "\n")
    return python


_COMPILE = """
import compileall, os, sys
for path in sys.path:
    if os.path.isdir(path) and os.access(path, os.W_OK):
        compileall.compile_dir(path, quiet=1, workers=0)
"""


def precompile(python: Path) -> None:
    """Write the bytecode of everything on ``python``'s import path (once; later calls only check).

    Cold starts are measured as users see them, with compiled modules: a server started with
    PYTHONDONTWRITEBYTECODE=1 and no ``__pycache__`` would compile every module it imports, each
    time, and take several times longer.
    """
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    subprocess.run([str(python), "-c", _COMPILE], check=True, env=env, stdout=subprocess.DEVNULL)
