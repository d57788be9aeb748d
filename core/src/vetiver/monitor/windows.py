"""Time windows for monitoring: parse a period, assign every row to exactly one window.

Two kinds of period:

* a fixed length (``timedelta``, ``pd.Timedelta`` or a string pandas reads as one, e.g. ``"12h"``):
  windows are ``[first + k * period, first + (k + 1) * period)`` from the first timestamp, as in
  vetiver 0.2.6, but half-open all the way to the last row (0.2.6 dropped a row sitting on a
  window edge at the end);
* a calendar period (``"day"``, ``"week"`` (ISO, from Monday), ``"month"``, ``"quarter"``,
  ``"year"``), as vetiver R's ``vetiver_compute_metrics``.

A window's ``index`` is the earliest timestamp in it (0.2.6 and R). Windows without rows are not
produced (0.2.6 raised ``IndexError``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..errors import MonitorError

CALENDAR_PERIODS = ("day", "week", "month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    """A parsed period: a fixed ``length`` or a ``calendar`` unit (exactly one is set)."""

    length: Any = None  # pd.Timedelta
    calendar: str | None = None

    def __str__(self) -> str:
        return self.calendar or str(self.length)


def parse_period(period: Any) -> Period:
    """Read ``period`` (a timedelta, a timedelta string or a calendar unit) into a :class:`Period`."""
    import pandas as pd

    if isinstance(period, Period):
        return period
    if isinstance(period, str):
        unit = period.strip().lower()
        unit = unit[:-1] if unit.endswith("s") and unit[:-1] in CALENDAR_PERIODS else unit
        if unit in CALENDAR_PERIODS:
            return Period(calendar=unit)
    try:
        length = pd.Timedelta(period)
    except (TypeError, ValueError) as error:
        raise MonitorError(
            f"period must be a timedelta or one of {', '.join(CALENDAR_PERIODS)}; got {period!r}"
        ) from error
    if pd.isna(length) or length <= pd.Timedelta(0):
        raise MonitorError(f"period must be positive; got {period!r}")
    return Period(length=length)


def as_dates(values: Any, name: str) -> Any:
    """``values`` as a datetime Series: strings and objects are parsed (also on pandas 3, where
    0.2.6's dtype check raised on string columns)."""
    import pandas as pd

    series = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series
    try:
        with warnings.catch_warnings():
            # "Could not infer format": each value is then parsed on its own, which is what we want.
            warnings.simplefilter("ignore", UserWarning)
            return pd.to_datetime(series)
    except (TypeError, ValueError) as error:
        raise MonitorError(f"column {name!r} cannot be read as dates: {error}") from error


def window_keys(dates: Any, period: Period) -> Any:
    """An integer key per row: rows with the same key are in the same window (vectorized)."""
    import numpy as np

    if period.length is not None:
        elapsed = dates - dates.min()
        return (elapsed // period.length).to_numpy(dtype=np.int64)
    if period.calendar == "day":
        return (dates.dt.year * 10000 + dates.dt.month * 100 + dates.dt.day).to_numpy(dtype=np.int64)
    if period.calendar == "week":
        iso = dates.dt.isocalendar()
        return (iso["year"].astype(np.int64) * 100 + iso["week"].astype(np.int64)).to_numpy(dtype=np.int64)
    if period.calendar == "month":
        return (dates.dt.year * 12 + dates.dt.month).to_numpy(dtype=np.int64)
    if period.calendar == "quarter":
        return (dates.dt.year * 4 + (dates.dt.month - 1) // 3).to_numpy(dtype=np.int64)
    return dates.dt.year.to_numpy(dtype=np.int64)


def iter_windows(data: Any, date_var: str, period: Any) -> Iterator[tuple[Any, Any]]:
    """Yield ``(index, rows)`` per non-empty window, in time order; every row in exactly one.

    Rows whose date is missing belong to no window and are left out.
    """
    if date_var not in data.columns:
        raise MonitorError(f"data has no date column {date_var!r}; columns: {', '.join(map(str, data.columns))}")
    parsed = parse_period(period)
    dates = as_dates(data[date_var], date_var)
    dates.index = data.index
    present = dates.notna().to_numpy()
    frame = data.loc[present].assign(**{date_var: dates[present]})
    if frame.empty:
        return
    frame = frame.sort_values(date_var, kind="stable")
    keys = window_keys(frame[date_var], parsed)
    for _, rows in frame.groupby(keys, sort=True):
        yield rows[date_var].iloc[0], rows


def _rolling_df(df: Any, td: timedelta, date_var: str) -> Iterator[Any]:
    """0.2.6 name: the non-empty windows of ``df`` of length ``td``, as DataFrames."""
    for _, rows in iter_windows(df, date_var, td):
        yield rows
