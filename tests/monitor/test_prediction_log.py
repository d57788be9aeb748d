"""The prediction logger and reader on their own: batches, partitions, shutdown, crash, bounds."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from vetiver.monitor import (
    MonitorError,
    PredictionLogger,
    compute_drift,
    compute_metrics,
    join_ground_truth,
    read_prediction_log,
)


def _frame(n, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"x1": rng.normal(size=n), "color": rng.choice(["a", "b"], n)})


def test_logged_rows_read_back_with_metadata(tmp_path):
    log = PredictionLogger(tmp_path / "log", model_name="cars", model_version="v1", flush_seconds=60)
    log.log("r1", "predict", _frame(1), [0.5], rows=1)
    log.log("r2", "predict", _frame(3, 1), np.array([1.0, 2.0, 3.0]), rows=3)
    log.log("r3", "predict_proba", np.array([[1.0, 2.0]]), pd.DataFrame({"0": [0.2], "1": [0.8]}), rows=1)
    log.close()
    assert log.written == 5 and log.dropped == 0
    parts = list((tmp_path / "log").glob("date=*/*.parquet"))
    assert len(parts) == 1 and not list((tmp_path / "log").glob("date=*/.*"))
    back = read_prediction_log(tmp_path / "log")
    assert list(back.columns[:6]) == ["request_id", "row", "time", "model_name", "model_version", "endpoint"]
    assert back["request_id"].tolist() == ["r1", "r2", "r2", "r2", "r3"]
    assert back["row"].tolist() == [0, 0, 1, 2, 0]
    assert str(back["time"].dt.tz) == "UTC" and set(back["model_version"]) == {"v1"}
    assert back.loc[1:3, "prediction"].tolist() == [1.0, 2.0, 3.0]
    assert back.loc[4, "prediction_1"] == 0.8 and back.loc[4, "x0"] == 1.0  # array inputs without names


def test_batches_are_written_without_shutdown_and_never_twice(tmp_path):
    log = PredictionLogger(tmp_path, flush_seconds=60, flush_rows=4)
    for i in range(4):
        log.log(f"r{i}", "predict", _frame(1, i), [float(i)], rows=1)
    # the writer wakes on the 4th row, without waiting for flush_seconds
    for _ in range(100):
        if log.written == 4:
            break
        time.sleep(0.05)
    assert log.written == 4
    log.close()
    log.close()  # idempotent
    # A restart appends new files; old ones are untouched, so nothing is duplicated.
    again = PredictionLogger(tmp_path, flush_seconds=60)
    again.log("r9", "predict", _frame(1), [9.0], rows=1)
    again.close()
    back = read_prediction_log(tmp_path)
    assert back["request_id"].tolist() == ["r0", "r1", "r2", "r3", "r9"]


def test_memory_is_bounded(tmp_path):
    log = PredictionLogger(tmp_path, flush_seconds=60, flush_rows=5, max_pending_rows=5)
    log._write_lock.acquire()  # a stuck disk: the writer cannot take the queue
    try:
        accepted = [log.log(f"r{i}", "predict", _frame(2), [1.0, 2.0], rows=2) for i in range(5)]
    finally:
        log._write_lock.release()
    assert accepted[:2] == [True, True] and not any(accepted[3:])
    assert log.dropped >= 4
    log.close()


def test_crash_loses_only_unwritten_records(tmp_path):
    script = textwrap.dedent(
        f"""
        import os, signal
        import pandas as pd
        from vetiver.monitor import PredictionLogger
        log = PredictionLogger({str(tmp_path)!r}, flush_seconds=3600)
        log.log("kept", "predict", pd.DataFrame({{"x": [1.0]}}), [1.0], rows=1)
        log.flush()
        log.log("lost", "predict", pd.DataFrame({{"x": [2.0]}}), [2.0], rows=1)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == -9
    assert read_prediction_log(tmp_path)["request_id"].tolist() == ["kept"]


def test_log_to_a_pin(board):
    log = PredictionLogger(board=board, model_name="cars", flush_seconds=60)
    log.log("a", "predict", _frame(2), [1.0, 2.0], rows=2)
    log.flush()
    log.log("b", "predict", _frame(1), [3.0], rows=1)
    log.close()
    assert board.pin_meta("cars-predictions").type == "parquet"
    back = read_prediction_log(board=board, pin_name="cars-predictions")
    assert back["request_id"].tolist() == ["a", "a", "b"]


def test_date_partitions_and_time_filter(tmp_path):
    log = PredictionLogger(tmp_path, flush_seconds=60)
    log.log("r", "predict", _frame(1), [1.0], rows=1)
    log.close()
    day = next(tmp_path.glob("date=*")).name.split("=")[1]
    assert len(read_prediction_log(tmp_path, start=day)) == 1
    week_before, day_after = pd.Timestamp(day) - pd.Timedelta(days=7), pd.Timestamp(day) + pd.Timedelta(days=1)
    assert len(read_prediction_log(tmp_path, start=week_before, end=day_after)) == 1
    with pytest.raises(MonitorError, match="no logged predictions"):
        read_prediction_log(tmp_path, end="2000-01-01")


def test_join_ground_truth_then_metrics_and_drift(tmp_path):
    log = PredictionLogger(tmp_path, model_name="m", model_version="v1", flush_seconds=60)
    frame = _frame(40, 3).assign(case=np.arange(40))
    for i in range(40):
        log.log(f"id{i}", "predict", frame.iloc[[i]], [float(frame["x1"].iloc[i] > 0)], rows=1)
    log.close()
    back = read_prediction_log(tmp_path)
    truth = pd.DataFrame({"request_id": [f"id{i}" for i in range(0, 40, 2)], "outcome": 1.0})
    joined = join_ground_truth(back, truth)
    assert len(joined) == 20
    metrics = compute_metrics(joined, "time", "day", [skm.accuracy_score], "outcome", "prediction")
    assert metrics["model_version"].tolist() == ["v1"] and metrics["n"].tolist() == [20]
    by_key = join_ground_truth(back, pd.DataFrame({"case": [1, 2], "outcome": [0.0, 1.0]}), on="case")
    assert by_key["request_id"].tolist() == ["id1", "id2"]
    drift = compute_drift(_frame(200, 4), back)
    assert set(drift["feature"]) == {"x1", "color", "(dataset)"}
    with pytest.raises(MonitorError, match="duplicated keys"):
        join_ground_truth(back, pd.concat([truth, truth]))


def test_bad_arguments():
    with pytest.raises(MonitorError, match="either"):
        PredictionLogger()
