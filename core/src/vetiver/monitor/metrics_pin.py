"""Storing metrics over time in a pin: ``pin_metrics`` (0.2.6 name and arguments)."""

from __future__ import annotations

from typing import Any

from ..errors import MonitorError
from .frame_pins import FRAME_TYPES, read_pin, write_frame


def pin_metrics(
    board: Any,
    df_metrics: Any,
    metrics_pin_name: str,
    pin_type: str | None = None,
    index_name: str = "index",
    overwrite: bool = False,
) -> Any:
    """Add new metrics to the metrics pin and return the combined metrics.

    Args:
        board: A pins board or a board URL.
        df_metrics: New metrics, as :func:`compute_metrics` returns them.
        metrics_pin_name: The metrics pin. If it does not exist yet it is created (0.2.6 raised).
        pin_type: ``"arrow"`` (the default for a new pin: vetiver R's ``vetiver_pin_metrics``
            and pins for R read it), ``"parquet"`` or ``"csv"``; None keeps an existing pin's type.
        index_name: The date column.
        overwrite: Replace stored rows whose date is among the new ones. Without it, new dates
            that are already stored raise ``MonitorError`` (a ``ValueError``, as in 0.2.6).

    Each call writes a new version of the pin, so earlier metrics stay readable.
    """
    import pandas as pd

    from ..storage import pinstore
    from ..storage.boards import as_board

    board = as_board(board)
    if index_name not in df_metrics.columns:
        raise MonitorError(f"df_metrics has no column {index_name!r} (set index_name to its date column)")
    new = df_metrics.copy()
    new[index_name] = pd.to_datetime(new[index_name])
    if board.pin_exists(metrics_pin_name):
        meta = pinstore.read_meta(board, metrics_pin_name)
        old = read_pin(board, metrics_pin_name, meta.version.version)
        old[index_name] = pd.to_datetime(old[index_name])  # CSV pins lose the dtype
        overlap = old[index_name].isin(new[index_name])
        if overlap.any() and not overwrite:
            dates = ", ".join(sorted({str(d) for d in old.loc[overlap, index_name]})[:5])
            raise MonitorError(
                f"The new metrics overlap with dates already stored in {metrics_pin_name!r} ({dates}); "
                "pass overwrite=True to replace them"
            )
        combined = pd.concat([old.loc[~overlap], new], ignore_index=True)
        pin_type = pin_type or (meta.type if meta.type in FRAME_TYPES else "arrow")
    else:
        combined = new
        pin_type = pin_type or "arrow"
    combined = combined.sort_values(index_name, kind="stable").reset_index(drop=True)
    write_frame(board, metrics_pin_name, combined, pin_type=pin_type, title=f"{metrics_pin_name}: model metrics",
                versioned=True)  # fmt: skip
    return combined
