"""Reading and writing pin versions safely, in the pins on-disk format.

pins (0.9.2) writes a version by copying files one by one into its final folder and, on
unversioned boards, deletes the old version *before* writing the new one; an identical re-write
then leaves the pin empty. Readers can see half-written versions. This module keeps the format
(so pins and vetiver 0.2.6 read what we write) but publishes differently:

* on local folder boards a version is staged in a hidden sibling folder and renamed into place,
  which is atomic, so a version is either absent or complete;
* on object stores (S3, GCS, Azure) data files go first and ``data.txt`` last, and vetiver's
  reader only considers versions whose ``data.txt`` exists;
* old versions of an unversioned pin are deleted only after the new one is in place, and an
  identical write changes nothing;
* "latest" is the newest complete version; a write in the same second as the latest gets a
  later timestamp so version names keep sorting in write order.

Reads verify the data file against the pin's ``pin_hash`` before any model code sees it, and a
format that unpickles needs the board's consent.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..errors import PickleConsentError, PinError, PinIntegrityError, PinNotFoundError

META_FILE = "data.txt"
STAGING_PREFIX = ".vetiver-staging-"  # '.' sorts before digits: never taken for a newest version
VERSION_TIME_FORMAT = "%Y%m%dT%H%M%SZ"


def is_connect(board: Any) -> bool:
    return type(board).__name__ == "BoardRsConnect"


def _is_local(board: Any) -> bool:
    from .boards import board_protocols

    return bool({"file", "local"} & set(board_protocols(board)))


def _pin_path(board: Any, name: str, *parts: str) -> str:
    return board.construct_path([board.path_to_pin(name), *parts])


@dataclass(frozen=True)
class PinVersion:
    """One version of a pin, as listed on the board."""

    version: str
    created: datetime | None
    hash: str | None


def list_versions(board: Any, name: str) -> list[PinVersion]:
    """Versions of a pin, oldest first, leaving out in-progress staging folders."""
    from pins.versions import Version

    if not board.pin_exists(name):
        raise PinNotFoundError(f"no pin named {name!r} on {describe_board(board)}")
    found = []
    for version in board.pin_versions(name, as_df=False):
        if isinstance(version, Version):
            found.append(PinVersion(version.version, version.created, version.hash))
        elif not str(version.version).startswith("."):
            found.append(PinVersion(str(version.version), None, None))  # Connect bundle ids
    if is_connect(board):
        return sorted(found, key=lambda v: int(v.version) if v.version.isdigit() else v.version)
    return sorted(found, key=lambda v: v.version)


def latest_version(board: Any, name: str) -> str:
    """The newest complete version of a pin."""
    versions = list_versions(board, name)
    if is_connect(board):
        if versions:
            return versions[-1].version
    else:
        for version in reversed(versions):
            if board.fs.exists(_pin_path(board, name, version.version, META_FILE)):
                return version.version
    raise PinNotFoundError(f"pin {name!r} on {describe_board(board)} has no complete version")


def read_meta(board: Any, name: str, version: str | None = None) -> Any:
    """The pins ``Meta`` of a version (the newest when ``version`` is None)."""
    if version is None:
        version = latest_version(board, name)
    elif version not in {v.version for v in list_versions(board, name)}:
        raise PinNotFoundError(f"pin {name!r} has no version {version!r}")
    return board.pin_meta(name, version)


def describe_board(board: Any) -> str:
    root = getattr(board, "board", "")
    return f"board {root!r}" if root else "the board"


# --- reading -------------------------------------------------------------------------------------


def allows_pickle(board: Any) -> bool:
    """The board's ``allow_pickle_read``, or ``PINS_ALLOW_PICKLE_READ`` when that is unset."""
    flag = getattr(board, "allow_pickle_read", None)
    if flag is not None:
        return bool(flag)
    value = os.environ.get("PINS_ALLOW_PICKLE_READ", "").strip()
    try:
        return bool(int(value)) if value else False
    except ValueError:
        return value.lower() in {"true", "yes"}


def _content_hash(contents: Sequence[bytes]) -> str:
    from xxhash import xxh64

    digests = [xxh64(data).hexdigest() for data in contents]
    if len(digests) == 1:
        return digests[0]
    return xxh64("".join(digests).encode("utf-8")).hexdigest()  # pins' rule for several files


def read_verified(board: Any, name: str, meta: Any, *, needs_pickle: bool) -> dict[str, bytes]:
    """Read a version's data files, checking consent and the recorded hash first.

    Raises:
        PickleConsentError: ``needs_pickle`` and the board does not allow pickle reads.
        PinIntegrityError: the files do not hash to the pin's ``pin_hash``.
    """
    if needs_pickle and not allows_pickle(board):
        raise PickleConsentError(
            f"pin {name!r} stores a pickled model; unpickling runs code from the file, so it needs "
            "consent: create the board with allow_pickle_read=True or set PINS_ALLOW_PICKLE_READ=1"
        )
    files = [meta.file] if isinstance(meta.file, str) else list(meta.file)
    version = meta.version.version
    contents: dict[str, bytes] = {}
    for file_name in files:
        with board.fs.open(_pin_path(board, name, version, file_name), "rb") as handle:
            contents[file_name] = handle.read()
    expected = getattr(meta, "pin_hash", None)
    actual = _content_hash(list(contents.values()))
    if expected and actual != expected:
        raise PinIntegrityError(
            f"pin {name!r} version {version}: data file hash {actual} does not match pin_hash "
            f"{expected} in {META_FILE}; the file was changed or swapped after it was written, "
            "so it was not loaded"
        )
    if not expected and needs_pickle:
        raise PinIntegrityError(
            f"pin {name!r} version {version} records no pin_hash, so its pickled file cannot be verified"
        )
    return contents


# --- writing -------------------------------------------------------------------------------------


def write_version(
    board: Any,
    name: str,
    files: Sequence[Path],
    *,
    pin_type: str,
    title: str,
    description: str | None,
    user: Mapping[str, Any],
    versioned: bool | None,
) -> Any:
    """Write ``files`` as a new version of pin ``name`` and return its pins ``Meta``.

    Writing content identical to the newest version writes nothing and returns that version's
    metadata. On an unversioned pin older versions are removed after the new one is in place.
    """
    from pins.meta import MetaFactory

    board.validate_pin_name(name)
    exists = board.pin_exists(name)
    versions = list_versions(board, name) if exists else []
    versioned = _resolve_versioned(board, name, versions, versioned)

    with tempfile.TemporaryDirectory(prefix="vetiver-pin-") as tmp:
        stage = Path(tmp)
        staged = []
        for source in files:
            target = stage / Path(source).name
            shutil.copyfile(source, target)
            staged.append(str(target))
        # pins records a single file as a string and several as a list; keep its layout.
        file_arg: str | list[str] = staged[0] if len(staged) == 1 else staged
        created = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
        meta = MetaFactory().create(stage, file_arg, pin_type, name, title, description, created, dict(user))

        latest = _latest_meta(board, name) if versions else None
        if latest is not None and getattr(latest, "pin_hash", None) == meta.pin_hash:
            return latest  # identical content: keep the pin exactly as it is
        if latest is not None and latest.version.created and latest.version.created >= created:
            created = latest.version.created + timedelta(seconds=1)
            meta = MetaFactory().create(stage, file_arg, pin_type, name, title, description, created, dict(user))

        with open(stage / META_FILE, "w") as handle:
            meta.to_pin_yaml(handle)
        version = meta.version.version
        _publish(board, name, version, stage, [Path(f).name for f in staged])

    if not versioned:
        for old in versions:
            if old.version != version:
                board.fs.rm(_pin_path(board, name, old.version), recursive=True)
    return board.pin_meta(name, version)


def _resolve_versioned(board: Any, name: str, versions: list[PinVersion], versioned: bool | None) -> bool:
    if versioned is None:
        return bool(board.versioned) or len(versions) > 1
    if not versioned and len(versions) > 1:
        raise PinError(
            f"pin {name!r} already has {len(versions)} versions; write it with versioned=True, "
            "or delete old versions first (board.pin_versions_prune)"
        )
    return versioned


def _latest_meta(board: Any, name: str) -> Any | None:
    try:
        return read_meta(board, name)
    except PinNotFoundError:
        return None


def _publish(board: Any, name: str, version: str, stage: Path, data_files: list[str]) -> None:
    final = _pin_path(board, name, version)
    if _is_local(board):
        pin_dir = _pin_path(board, name)
        os.makedirs(pin_dir, exist_ok=True)
        staging = os.path.join(pin_dir, f"{STAGING_PREFIX}{uuid.uuid4().hex}")
        shutil.copytree(stage, staging)
        try:
            os.rename(staging, final)  # atomic on one filesystem: readers see all or nothing
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            if not os.path.exists(os.path.join(final, META_FILE)):
                raise
            # Another writer published this exact version (same second, same content hash).
        return
    if board.fs.exists(_pin_path(board, name, version, META_FILE)):
        return  # same content already published by a concurrent writer
    for file_name in data_files:
        board.fs.put(str(stage / file_name), f"{final}/{file_name}")
    # data.txt last: vetiver's reader takes a version as complete once its metadata exists.
    board.fs.put(str(stage / META_FILE), f"{final}/{META_FILE}")
