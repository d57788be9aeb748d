"""Prediction logging: every served prediction, written in batches off the request path.

The serving app calls :meth:`PredictionLogger.log` per request; that only appends a reference to
the request's (already decoded) inputs and its outputs to an in-memory queue. A background
thread turns queued requests into one Arrow table per batch and writes it:

* to a folder: a Parquet dataset partitioned by date (``DIR/date=2024-03-01/part-....parquet``,
  hive style, so pyarrow, DuckDB, Spark and R's arrow read it as one dataset);
* or to a pin: each batch is a new version of a Parquet pin.

Guarantees (also in docs/monitoring.md):

* a written batch is complete or absent: files are written under a hidden temporary name and
  renamed into place, pins are published atomically, and nothing written is ever rewritten, so
  no record is written twice, across restarts too;
* on graceful shutdown (:meth:`close`, which the served app calls) everything queued is written;
* on a crash (SIGKILL, power loss) the records queued since the last write are lost: at most
  ``flush_seconds`` seconds or ``flush_rows`` rows of predictions;
* memory is bounded: when ``max_pending_rows`` rows are waiting (the disk is slower than the
  traffic), further requests are not logged and are counted in :attr:`dropped`, with a warning.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import logging
import os
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import MonitorError
from .outputs import PREDICTION, prediction_columns

logger = logging.getLogger("vetiver.monitor")

LOG_COLUMNS = ("request_id", "row", "time", "model_name", "model_version", "endpoint")
"""Columns every log row has, besides the inputs and the ``prediction`` column(s)."""

REQUEST_ID_HEADER = "x-request-id"


class PredictionLogger:
    """Log predictions to a Parquet dataset (``path``) or to a pin (``board`` and ``pin_name``).

    Args:
        path: A folder for the date-partitioned Parquet dataset.
        board: A pins board (or board URL) to log to instead, with ``pin_name``.
        pin_name: The log pin (default ``<model_name>-predictions``).
        model_name, model_version: Recorded on every row.
        input_columns: Names of the input columns when inputs arrive as 2-D arrays (the
            model's prototype columns).
        flush_seconds: Write queued records at least this often.
        flush_rows: Write as soon as this many rows are queued.
        max_pending_rows: Queue at most this many rows; beyond it requests are not logged.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        board: Any = None,
        pin_name: str | None = None,
        model_name: str = "model",
        model_version: str | None = None,
        input_columns: Sequence[str] | None = None,
        flush_seconds: float = 2.0,
        flush_rows: int = 10_000,
        max_pending_rows: int = 200_000,
    ) -> None:
        if (path is None) == (board is None):
            raise MonitorError("give PredictionLogger either a folder path or a board (not both)")
        if flush_seconds <= 0 or flush_rows < 1 or max_pending_rows < flush_rows:
            raise MonitorError("flush_seconds must be > 0, flush_rows >= 1 and max_pending_rows >= flush_rows")
        if board is not None:
            from ..storage.boards import as_board

            board = as_board(board)
        self.path = Path(path) if path is not None else None
        self.board = board
        self.pin_name = pin_name or f"{model_name}-predictions"
        self.model_name = model_name
        self.model_version = model_version
        self.input_columns = list(input_columns) if input_columns is not None else None
        self.flush_seconds = flush_seconds
        self.flush_rows = flush_rows
        self.max_pending_rows = max_pending_rows
        self.dropped = 0
        self.written = 0
        self._pending: list[tuple[Any, ...]] = []
        self._pending_rows = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._write_lock = threading.Lock()  # one batch is written at a time, in order
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._run, name="vetiver-prediction-log", daemon=True)
        self._thread.start()
        # A process that ends without the app's shutdown (worker processes, scripts) still writes
        # what is queued; close() is idempotent.
        atexit.register(self.close)

    def __repr__(self) -> str:
        where = str(self.path) if self.path is not None else f"pin {self.pin_name!r}"
        return f"PredictionLogger({where})"

    # --- the request path: cheap -----------------------------------------------------------------

    def log(self, request_id: str, endpoint: str, inputs: Any, outputs: Any, rows: int) -> bool:
        """Queue one request's ``rows`` rows of inputs and outputs; False when not queued (full
        or closed). Nothing is copied or converted here."""
        with self._lock:
            if self._closed or self._pending_rows + rows > self.max_pending_rows:
                self.dropped += rows
                full = not self._closed
            else:
                self._pending.append((request_id, endpoint, inputs, outputs, rows, time.time()))
                self._pending_rows += rows
                if self._pending_rows >= self.flush_rows:
                    self._wake.set()
                return True
        if full:
            logger.warning("prediction log queue is full (%d rows); %d rows not logged so far",
                           self.max_pending_rows, self.dropped)  # fmt: skip
        return False

    # --- the writer thread -----------------------------------------------------------------------

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # logging must never take the server down
                logger.exception("writing the prediction log failed; that batch is lost")

    def flush(self) -> int:
        """Write everything queued now; returns the number of rows written."""
        with self._write_lock:
            with self._lock:
                batch, self._pending, self._pending_rows = self._pending, [], 0
            if not batch:
                return 0
            table = self._table(batch)
            self._write(table)
            self.written += table.num_rows
            return table.num_rows

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Any) -> Any:
        """An ASGI lifespan (for starlette) that closes the logger when the app shuts down."""
        try:
            yield
        finally:
            self.close()

    def close(self) -> None:
        """Stop the writer and write what is queued (graceful shutdown). Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._wake.set()
        self._thread.join(timeout=60)
        self.flush()
        atexit.unregister(self.close)

    def _table(self, batch: list[tuple[Any, ...]]) -> Any:
        """One Arrow table for a batch. Requests of one endpoint with inputs and outputs of the
        same kind are converted together (one concatenation per column), which keeps the writer's
        share of the interpreter small when requests are many and tiny."""
        import pyarrow as pa

        groups: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
        for record in batch:
            groups.setdefault((record[1], _kind(record[2]), _kind(record[3])), []).append(record)
        tables = [self._group_table(records) for records in groups.values()]
        table = pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]
        n = table.num_rows
        table = table.append_column("model_name", pa.array([self.model_name] * n, pa.string()))
        table = table.append_column("model_version", pa.array([self.model_version] * n, pa.string()))
        order = [c for c in LOG_COLUMNS if c in table.column_names]
        return table.select(order + [c for c in table.column_names if c not in order])

    def _group_table(self, records: list[tuple[Any, ...]]) -> Any:
        import numpy as np
        import pyarrow as pa

        rows = np.fromiter((r[4] for r in records), dtype=np.int64, count=len(records))
        starts = np.cumsum(rows) - rows
        columns = {
            "request_id": np.repeat(np.array([r[0] for r in records], dtype=object), rows),
            "row": (np.arange(int(rows.sum())) - np.repeat(starts, rows)).astype(np.int32),
            "time": np.repeat(np.array([int(r[5] * 1_000_000) for r in records], dtype="datetime64[us]"), rows),
            "endpoint": np.repeat(np.array([r[1] for r in records], dtype=object), rows),
        }
        columns.update(self._inputs([r[2] for r in records], rows))
        columns.update(_outputs([r[3] for r in records], rows))
        table = pa.table({name: _arrow_array(values) for name, values in columns.items()})
        return table.set_column(2, "time", table["time"].cast(pa.timestamp("us", tz="UTC")))

    def _inputs(self, inputs: list[Any], rows: Any) -> dict[str, Any]:
        import numpy as np
        import pandas as pd

        first = inputs[0]
        if isinstance(first, np.ndarray) and first.ndim == 2:
            stacked = np.concatenate(inputs)
            names = self.input_columns or [f"x{i}" for i in range(stacked.shape[1])]
            columns = {name: stacked[:, i] for i, name in enumerate(names)}
        else:
            frames = [f if isinstance(f, pd.DataFrame) else _as_frame(f) for f in inputs]
            names = list(dict.fromkeys(str(c) for f in frames for c in f.columns))
            columns = {
                name: np.concatenate([f[name].to_numpy() if name in f.columns else np.full(len(f), None, dtype=object)
                                      for f in frames])
                for name in names
            }  # fmt: skip
        # An input named like a log column keeps its value under "input_<name>".
        return {(f"input_{k}" if k in LOG_COLUMNS or k.startswith("prediction") else k): v for k, v in columns.items()}

    def _write(self, table: Any) -> None:
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        if self.path is None:  # then a board: __init__ takes exactly one of the two
            from .frame_pins import write_frame

            write_frame(self.board, self.pin_name, table.to_pandas(), pin_type="parquet", versioned=True,
                        title=f"{self.pin_name}: logged predictions of {self.model_name}")  # fmt: skip
            return
        days = pc.strftime(table["time"], format="%Y-%m-%d")
        for day in sorted(set(days.to_pylist())):
            part = table.filter(pc.equal(days, day))
            folder = self.path / f"date={day}"
            folder.mkdir(parents=True, exist_ok=True)
            name = f"part-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:12]}.parquet"
            hidden = folder / f".{name}.tmp"  # readers skip names starting with "." (and so do pyarrow's)
            pq.write_table(part, hidden)
            os.replace(hidden, folder / name)  # atomic: readers see the whole file or none


def _kind(value: Any) -> str:
    import numpy as np

    if isinstance(value, np.ndarray):
        return f"array{value.ndim}"
    return type(value).__name__


def _as_frame(inputs: Any) -> Any:
    """Unvalidated JSON (no prototype): a list of records, a dict of columns or one record."""
    import pandas as pd

    if isinstance(inputs, dict) and not all(isinstance(v, list) for v in inputs.values()):
        inputs = [inputs]
    return pd.DataFrame(inputs)


def _outputs(outputs: list[Any], rows: Any) -> dict[str, Any]:
    import numpy as np

    if all(isinstance(o, list) for o in outputs) and sum(len(o) for o in outputs) == int(rows.sum()):
        flat = [v for o in outputs for v in o]  # the common case: one value per row, as lists
        if not flat or not isinstance(flat[0], list | dict):
            return {PREDICTION: np.asarray(flat) if flat else np.array([], dtype=float)}
    parts = [prediction_columns(o, int(n)) for o, n in zip(outputs, rows, strict=True)]
    names = list(dict.fromkeys(name for part in parts for name in part))
    return {
        name: np.concatenate([p[name] if name in p else np.full(int(n), None, dtype=object)
                              for p, n in zip(parts, rows, strict=True)])
        for name in names
    }  # fmt: skip


def _arrow_array(values: Any) -> Any:
    import pyarrow as pa

    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed objects: keep them readable as text
        return pa.array([None if v is None else str(v) for v in values], pa.string())


# Request ids: a random per-process prefix and a counter. Unique across processes and restarts
# without coordination, and far cheaper per request than uuid4 (one urandom system call each).
_ID_PREFIX = os.urandom(10).hex()
_ID_COUNTER = itertools.count()


def new_request_id() -> str:
    """A new request id: 32 hex characters (20 random per process, then a 12-digit counter)."""
    return f"{_ID_PREFIX}{next(_ID_COUNTER) & 0xFFFFFFFFFFFF:012x}"
