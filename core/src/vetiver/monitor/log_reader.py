"""Reading prediction logs back and joining the ground truth that arrives later."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import MonitorError


def read_prediction_log(
    path: str | os.PathLike[str] | None = None,
    *,
    board: Any = None,
    pin_name: str | None = None,
    start: Any = None,
    end: Any = None,
) -> Any:
    """The logged predictions as one DataFrame, oldest first.

    Args:
        path: The folder a :class:`PredictionLogger` wrote (a date-partitioned Parquet dataset).
        board, pin_name: Or the board and pin it logged to (every version is one batch).
        start, end: Keep rows with ``start <= time < end`` (dates or timestamps, UTC);
            whole date partitions outside the range are not read.

    Columns: ``request_id, row, time`` (UTC), ``model_name, model_version, endpoint``, then the
    inputs and the ``prediction`` column(s): what :func:`compute_drift` and, once joined with
    the truth, :func:`compute_metrics` take.
    """
    import pandas as pd

    if (path is None) == (board is None):
        raise MonitorError("give read_prediction_log either a folder path or a board and pin_name")
    start_ts = _utc(start)
    end_ts = _utc(end)
    frames = list(_from_folder(Path(path), start_ts, end_ts) if path is not None else _from_pin(board, pin_name))
    if not frames:
        raise MonitorError(f"no logged predictions in {path or pin_name!r}")
    log = pd.concat(frames, ignore_index=True)
    if start_ts is not None:
        log = log[log["time"] >= start_ts]
    if end_ts is not None:
        log = log[log["time"] < end_ts]
    return log.sort_values(["time", "request_id", "row"], kind="stable").reset_index(drop=True)


def _utc(value: Any) -> Any:
    import pandas as pd

    if value is None:
        return None
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _from_folder(folder: Path, start: Any, end: Any) -> Any:
    import pandas as pd
    import pyarrow.parquet as pq

    if not folder.is_dir():
        raise MonitorError(f"prediction log folder {str(folder)!r} does not exist")
    for partition in sorted(folder.glob("date=*")):
        day = pd.Timestamp(partition.name.split("=", 1)[1]).tz_localize("UTC")
        if (start is not None and day + pd.Timedelta(days=1) <= start) or (end is not None and day >= end):
            continue
        for file in sorted(partition.glob("*.parquet")):
            if not file.name.startswith("."):  # in-progress writes
                yield pq.read_table(file).to_pandas()


def _from_pin(board: Any, pin_name: str | None) -> Any:
    from ..storage import pinstore
    from ..storage.boards import as_board
    from .frame_pins import read_pin

    if not pin_name:
        raise MonitorError("reading a prediction log pin needs its pin_name")
    board = as_board(board)
    for version in pinstore.list_versions(board, pin_name):
        yield read_pin(board, pin_name, version.version)


def join_ground_truth(
    log: Any,
    truth: Any,
    *,
    on: str | Sequence[str] = "request_id",
    how: str = "inner",
) -> Any:
    """Add the true outcomes, known later, to logged predictions.

    Args:
        log: Logged predictions (:func:`read_prediction_log`).
        truth: A DataFrame with the key column(s) and the outcome column(s).
        on: The key: ``request_id`` (returned to clients in the ``X-Request-ID`` header), with
            ``row`` for requests of several rows, or an input column identifying the case
            (e.g. ``"customer_id"``).
        how: ``"inner"`` keeps predictions with a known outcome; ``"left"`` keeps all.

    Each prediction matches at most one truth row; duplicated keys in ``truth`` raise.
    """
    keys = [on] if isinstance(on, str) else list(on)
    if keys == ["request_id"] and "row" in truth.columns:
        keys = ["request_id", "row"]
    missing = [k for k in keys if k not in log.columns or k not in truth.columns]
    if missing:
        raise MonitorError(f"key column(s) {', '.join(map(repr, missing))} must be in both the log and the truth")
    if keys == ["request_id"] and log["request_id"].duplicated().any():
        raise MonitorError("some logged requests have several rows: give the truth a 'row' column too")
    if truth.duplicated(keys).any():
        raise MonitorError(f"the truth has duplicated keys {keys}; each case needs one outcome")
    if how not in ("inner", "left"):
        raise MonitorError(f"how must be 'inner' or 'left', not {how!r}")
    overlapping = [c for c in truth.columns if c in log.columns and c not in keys]
    if overlapping:
        raise MonitorError(f"the truth repeats log column(s) {', '.join(map(repr, overlapping))}; rename them")
    return log.merge(truth, on=keys, how=how, validate="many_to_one")
