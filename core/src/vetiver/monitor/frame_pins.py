"""Writing and reading DataFrames and JSON documents as pins, with vetiver's safe publishing.

Files are serialized the way pins does (so pins, vetiver 0.2.6 and pins for R read them) and
published through :mod:`vetiver.pinstore` (a version is complete or absent); Posit Connect boards
publish through pins itself, which bundles each version atomically.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import MonitorError

FRAME_TYPES = ("arrow", "parquet", "csv")


def write_frame(board: Any, name: str, frame: Any, *, pin_type: str = "arrow", title: str | None = None,
                description: str | None = None, user: Mapping[str, Any] | None = None,
                versioned: bool | None = None) -> Any:  # fmt: skip
    """Write ``frame`` as a new version of pin ``name``; returns the version's pins ``Meta``."""
    from ..storage import pinstore

    if pin_type not in FRAME_TYPES:
        raise MonitorError(f"pin_type must be one of {', '.join(FRAME_TYPES)} for a data frame, not {pin_type!r}")
    frame = frame.reset_index(drop=True)
    title = title or f"{name}: a pinned {frame.shape[0]} x {frame.shape[1]} DataFrame"
    if pinstore.is_connect(board):
        return board.pin_write(frame, name=name, type=pin_type, title=title, description=description,
                               metadata=dict(user or {}), versioned=versioned)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="vetiver-frame-") as tmp:
        path = Path(tmp) / f"{name.split('/')[-1]}.{pin_type}"
        if pin_type == "arrow":
            frame.to_feather(path)  # Arrow IPC file, as pins writes type "arrow"
        elif pin_type == "parquet":
            frame.to_parquet(path)
        else:
            frame.to_csv(path, index=False)
        return pinstore.write_version(board, name, [path], pin_type=pin_type, title=title, description=description,
                                      user=dict(user or {}), versioned=versioned)  # fmt: skip


def write_json(board: Any, name: str, document: Mapping[str, Any], *, title: str, description: str | None = None,
               user: Mapping[str, Any] | None = None) -> Any:  # fmt: skip
    """Write a JSON document (serialized deterministically: sorted keys) as a new pin version."""
    from ..storage import pinstore

    if pinstore.is_connect(board):
        return board.pin_write(dict(document), name=name, type="json", title=title, description=description,
                               metadata=dict(user or {}), versioned=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="vetiver-json-") as tmp:
        path = Path(tmp) / f"{name.split('/')[-1]}.json"
        path.write_text(json.dumps(document, sort_keys=True, separators=(",", ":")))
        return pinstore.write_version(board, name, [path], pin_type="json", title=title, description=description,
                                      user=dict(user or {}), versioned=True)  # fmt: skip


def read_pin(board: Any, name: str, version: str | None = None) -> Any:
    """Read a data pin (frame or JSON) at ``version`` (the newest complete one by default)."""
    from ..storage import pinstore

    meta = pinstore.read_meta(board, name, version)
    if meta.type not in (*FRAME_TYPES, "json"):
        raise MonitorError(f"pin {name!r} is a {meta.type!r} pin, not a data frame or JSON pin")
    return board.pin_read(name, meta.version.version)
