"""Bundle validation as Connect does it: gzip tar, manifest version 1, app mode, entrypoint,
requirements, listed files and md5 checksums (pins' list form with directories accepted)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

from .records import APP_MODES, PYTHON_APP_MODES, _bad_request


def _member_name(name: str) -> str:
    return name.removeprefix("./").strip("/")


def validate_and_unpack(archive: bytes, folder: Path) -> dict[str, Any]:
    """Check a bundle as Connect does and unpack it into ``folder``; returns its manifest."""
    files, directories = _read_archive(archive)
    manifest = _read_manifest(files)
    _check_app_mode(manifest, files)
    _check_listed_files(manifest.get("files", {}), files, directories)
    _unpack(files, directories, folder)
    return manifest


def _read_archive(archive: bytes) -> tuple[dict[str, bytes], set[str]]:
    """The bundle's files (name -> content) and directories, those implied by file paths included."""
    if not archive:
        raise _bad_request("the bundle is empty")
    if archive[:2] != b"\x1f\x8b":
        raise _bad_request("the bundle is not a gzip-compressed tar archive")
    files: dict[str, bytes] = {}
    directories: set[str] = set()
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            for member in tar.getmembers():
                _read_member(tar, member, files, directories)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise _bad_request(f"the bundle is not a readable gzip tar archive: {error}") from error
    for name in files:
        parent = Path(name).parent
        while str(parent) != ".":
            directories.add(str(parent))
            parent = parent.parent
    return files, directories


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo, files: dict[str, bytes], directories: set[str]) -> None:
    """Add one archive member to ``files`` or ``directories``; refuses paths outside the root and links."""
    name = _member_name(member.name)
    if not name:
        return
    if member.name.startswith("/") or ".." in Path(name).parts:
        raise _bad_request(f"the bundle holds a path outside its root: {member.name!r}")
    if member.isdir():
        directories.add(name)
    elif member.isfile():
        extracted = tar.extractfile(member)
        files[name] = extracted.read() if extracted else b""
    else:
        raise _bad_request(f"the bundle holds a link or special file: {member.name!r}")


def _read_manifest(files: dict[str, bytes]) -> dict[str, Any]:
    if "manifest.json" not in files:
        raise _bad_request("the bundle has no manifest.json at its root")
    try:
        manifest = json.loads(files["manifest.json"])
    except ValueError as error:
        raise _bad_request(f"manifest.json is not valid JSON: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("version") != 1:
        raise _bad_request("manifest.json must have version 1")
    return manifest


def _check_app_mode(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    """A known app mode; a Python one needs its entrypoint module and requirements file in the bundle."""
    metadata = manifest.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("appmode") not in APP_MODES:
        mode = metadata.get("appmode") if isinstance(metadata, dict) else None
        raise _bad_request(f"manifest.json has an unknown app mode {mode!r}")
    if metadata["appmode"] not in PYTHON_APP_MODES:
        return
    entrypoint = metadata.get("entrypoint")
    if not isinstance(entrypoint, str) or not entrypoint.strip():
        raise _bad_request(f"a {metadata['appmode']} manifest needs metadata.entrypoint")
    module = entrypoint.partition(":")[0].replace(".", "/")
    if f"{module}.py" not in files and f"{module}/__init__.py" not in files:
        raise _bad_request(f"the entrypoint {entrypoint!r} names a module the bundle does not hold")
    python = manifest.get("python")
    if not isinstance(python, dict) or not isinstance(python.get("package_manager"), dict):
        raise _bad_request("a Python manifest needs python.package_manager")
    package_file = python["package_manager"].get("package_file") or "requirements.txt"
    if package_file not in files:
        raise _bad_request(f"the bundle lacks its requirements file {package_file!r}")


def _check_listed_files(listed: Any, files: dict[str, bytes], directories: set[str]) -> None:
    """Every file manifest.json lists is in the bundle, with the listed md5 checksum where one is given."""
    if isinstance(listed, list):  # pins' static bundles: names only, directories included
        for name in listed:
            if _member_name(name) not in files and _member_name(name) not in directories:
                raise _bad_request(f"manifest.json lists {name!r} but the bundle lacks it")
    elif isinstance(listed, dict):
        for name, info in listed.items():
            data = files.get(_member_name(name))
            if data is None:
                raise _bad_request(f"manifest.json lists {name!r} but the bundle lacks it")
            checksum = info.get("checksum") if isinstance(info, dict) else None
            if checksum is not None and hashlib.md5(data, usedforsecurity=False).hexdigest() != checksum:
                raise _bad_request(f"the checksum of {name!r} does not match manifest.json")
    else:
        raise _bad_request("manifest.json files must be an object or a list")


def _unpack(files: dict[str, bytes], directories: set[str], folder: Path) -> None:
    folder.mkdir(parents=True)
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for name in directories:
        (folder / name).mkdir(parents=True, exist_ok=True)
