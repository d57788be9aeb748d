"""``manifest.json`` of a Connect bundle, and the ``.tar.gz`` archive uploaded.

The manifest is what rsconnect-python writes for an ASGI API (``rsconnect write-manifest
fastapi``): version 1, app mode ``python-fastapi``, the entrypoint, the Python version and its
requirement, the package manager and its requirements file, and the md5 of every file.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

from .errors import ConnectConfigError

MANIFEST = "manifest.json"
APP_MODE = "python-fastapi"
ENTRYPOINT = "app:api"
REQUIREMENTS = "requirements.txt"


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def bundle_files(folder: Path) -> list[str]:
    """The files of the bundle in ``folder`` (relative, sorted), the manifest excluded."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST and "__pycache__" not in p.parts
    )


def python_version(python: str | None = None) -> str:
    """The full Python version the app should run on: ``python`` given as a version
    (``"3.11"``) or as an interpreter path (0.2.6's meaning), else this interpreter's."""
    if python is None:
        return ".".join(map(str, sys.version_info[:3]))
    if all(part.isdigit() for part in python.split(".")) and python.count(".") in (1, 2):
        return python
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('.'.join(map(str, sys.version_info[:3])))"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise ConnectConfigError(
            f"python={python!r} is neither a version like 3.11 nor a working interpreter"
        ) from error
    return out.stdout.strip()


def manifest(
    folder: Path, *, python: str | None = None, image: str | None = None, entrypoint: str = ENTRYPOINT
) -> dict[str, Any]:
    """The manifest of the bundle in ``folder``."""
    version = python_version(python)
    major_minor = ".".join(version.split(".")[:2])
    package_manager: dict[str, Any] = {"name": "pip", "package_file": REQUIREMENTS}
    try:
        package_manager["version"] = importlib.metadata.version("pip")
    except importlib.metadata.PackageNotFoundError:
        pass
    environment: dict[str, Any] = {"python": {"requires": f"~={major_minor}.0"}}
    if image:
        environment["image"] = image
    return {
        "version": 1,
        "locale": "en_US.UTF-8",
        "metadata": {"appmode": APP_MODE, "entrypoint": entrypoint},
        "python": {"version": version, "package_manager": package_manager},
        "environment": environment,
        "files": {name: {"checksum": _md5(folder / name)} for name in bundle_files(folder)},
    }


def write_manifest(folder: Path, **options: Any) -> Path:
    """Write ``manifest.json`` into ``folder`` (options as for :func:`manifest`)."""
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest(folder, **options), indent=2) + "\n")
    return path


def archive(folder: Path) -> bytes:
    """The bundle in ``folder`` as a gzip tar, paths relative to it, manifest first."""
    if not (folder / MANIFEST).is_file():
        raise ConnectConfigError(f"{folder} holds no {MANIFEST}; prepare the bundle first")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in [MANIFEST, *bundle_files(folder)]:
            tar.add(folder / name, arcname=name, recursive=False)
    return buffer.getvalue()
