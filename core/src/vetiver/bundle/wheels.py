"""Wheels of distributions that no package index can supply to an image build.

A distribution installed from a folder (an editable checkout of this project, say), a local file
or a VCS URL records where it came from in ``direct_url.json`` (PEP 610). ``pip install`` inside the
image would look for it on an index and fail, so we build it as a wheel into the build context.

Built wheels are cached by a fingerprint of their source (the files' names, sizes and modification
times for a folder; the commit for a VCS URL; the hash for an archive), so preparing again after an
unrelated change does not rebuild them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from email.parser import HeaderParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from packaging.utils import canonicalize_name, parse_wheel_filename

from ..errors import WheelBuildError
from .requirements import PinnedDistribution

# Folders that never hold a distribution's sources: skipped when fingerprinting a checkout.
_NOT_SOURCES = {".git", ".hg", ".nox", ".tox", ".venv", "venv", "__pycache__", "build", "dist", "node_modules"}


def pip_source(direct_url: dict) -> str:
    """What ``pip wheel`` takes to rebuild a distribution from its ``direct_url.json``."""
    url = direct_url["url"]
    vcs = direct_url.get("vcs_info")
    if vcs:
        return f"{vcs['vcs']}+{url}@{vcs['commit_id']}"
    parts = urlsplit(url)
    if parts.scheme == "file":
        return unquote(parts.path)  # a folder or an archive on this machine
    return url


def needs_wheel(dist: PinnedDistribution) -> bool:
    """True when ``dist`` was installed from somewhere other than a package index."""
    return dist.direct_url is not None


def cache_dir() -> Path:
    """Where built wheels are kept: ``$VETIVER_CACHE_DIR/wheels``, else under ``$XDG_CACHE_HOME``
    or ``~/.cache``."""
    root = os.environ.get("VETIVER_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "vetiver"
    )
    return Path(root) / "wheels"


def fingerprint(direct_url: dict) -> str | None:
    """A key that changes whenever the wheel built from ``direct_url`` could, or None when no
    such key is known (a remote archive without a hash: built every time)."""
    digest = hashlib.sha256(direct_url["url"].encode())
    vcs = direct_url.get("vcs_info")
    archive_hash = (direct_url.get("archive_info") or {}).get("hash")
    source = Path(pip_source(direct_url))
    if vcs:
        digest.update(vcs["commit_id"].encode())
    elif archive_hash:
        digest.update(archive_hash.encode())
    elif source.is_dir():
        for folder, subfolders, files in os.walk(source):
            subfolders[:] = sorted(d for d in subfolders if d not in _NOT_SOURCES and not d.endswith(".egg-info"))
            for name in sorted(files):
                stat = (Path(folder) / name).stat()
                digest.update(f"{Path(folder, name).relative_to(source)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    elif source.is_file():
        stat = source.stat()
        digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    else:
        return None
    return digest.hexdigest()[:32]


def _pip_wheel(sources: dict[str, str], into: Path) -> None:
    if importlib.util.find_spec("pip") is None:
        raise WheelBuildError(
            f"{', '.join(sorted(sources))} must be built as wheels for the image (they are not on a "
            "package index), and that needs pip in this environment: python -m ensurepip"
        )
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(into), *sources.values()]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        tail = " | ".join((result.stderr or result.stdout).strip().splitlines()[-3:])
        raise WheelBuildError(f"could not build wheels of {', '.join(sorted(sources))}: {tail}")


def _wheels_by_name(folder: Path) -> dict[str, Path]:
    return {canonicalize_name(parse_wheel_filename(w.name)[0]): w for w in folder.glob("*.whl")}


def build_wheels(distributions: Iterable[PinnedDistribution], wheel_dir: Path) -> dict[str, tuple[str, str]]:
    """Build each distribution as a wheel (without its dependencies) into ``wheel_dir``.

    Returns:
        Canonical name -> (version of the built wheel, wheel file name). The built version can
        differ from the installed one when an editable checkout changed its version since it was
        installed; the requirements pin what was built.

    Raises:
        WheelBuildError: pip is missing or a build fails (pip's last lines say why).
    """
    wanted = {d.name: d.direct_url for d in distributions if d.direct_url}
    if not wanted:
        return {}
    keys = {name: fingerprint(direct_url) for name, direct_url in wanted.items()}
    found: dict[str, Path] = {}
    for name, key in keys.items():
        cached = _wheels_by_name(cache_dir() / key).get(name) if key else None
        if cached is not None:
            found[name] = cached
    missing = {name: pip_source(wanted[name]) for name in wanted if name not in found}
    with tempfile.TemporaryDirectory(prefix="vetiver-wheels-") as scratch:
        if missing:
            _pip_wheel(missing, Path(scratch))
            built = _wheels_by_name(Path(scratch))
            for name in missing:
                if name not in built:
                    raise WheelBuildError(f"pip wheel built no wheel for {name} from {missing[name]}")
                found[name] = built[name]
                if keys[name]:
                    _store(built[name], cache_dir() / keys[name])
        wheel_dir.mkdir(parents=True, exist_ok=True)
        result = {}
        for name, wheel in found.items():
            shutil.copy2(wheel, wheel_dir / wheel.name)
            result[name] = (str(parse_wheel_filename(wheel.name)[1]), wheel.name)
    return result


def _store(wheel: Path, folder: Path) -> None:
    """Copy ``wheel`` into the cache folder atomically (concurrent prepares may race)."""
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{wheel.name}.{os.getpid()}.partial"
    shutil.copy2(wheel, partial)
    os.replace(partial, folder / wheel.name)


def wheel_requires(wheel: Path) -> list[str]:
    """The ``Requires-Dist`` lines of a wheel's metadata."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(archive.read(name).decode("utf-8"))
    return metadata.get_all("Requires-Dist") or []
