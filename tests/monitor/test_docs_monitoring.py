"""docs/monitoring.md: every Python block runs, in order, and the defaults table is the code's."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from vetiver.monitor.drift import DEFAULT_METHODS, DEFAULT_THRESHOLDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "monitoring.md"


def _blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", DOC.read_text(), flags=re.S | re.M)


@pytest.mark.slow
def test_every_example_runs(tmp_path):
    script = tmp_path / "monitoring_examples.py"
    script.write_text("\n\n".join(_blocks()))
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "report.html").stat().st_size > 1_000_000  # plotly.js is inline
    assert list((tmp_path / "prediction-log").glob("date=*/*.parquet"))


def test_there_are_examples_for_each_step():
    text = "\n".join(_blocks())
    for call in [
        "reference_data=",
        "log_predictions=",
        "compute_drift(",
        "compute_drift_over_time(",
        "join_ground_truth(",
        "compute_metrics(",
        "pin_metrics(",
        "compute_group_metrics(",
        "write_report(",
    ]:
        assert call in text, call


def test_defaults_table_matches_the_code():
    text = DOC.read_text()
    assert f"`{DEFAULT_METHODS['numeric'][0]}` and `{DEFAULT_METHODS['numeric'][1]}`" in text
    assert f"`{DEFAULT_METHODS['categorical'][0]}` and `{DEFAULT_METHODS['categorical'][1]}`" in text
    psi, ks, w = DEFAULT_THRESHOLDS["psi"], DEFAULT_THRESHOLDS["ks"], DEFAULT_THRESHOLDS["wasserstein"]
    assert f"< {psi.possible} no drift; {psi.possible}–{psi.drift} possible drift; ≥ {psi.drift} drift" in text
    assert f"p ≥ {ks.possible} no drift; {ks.drift}–{ks.possible} possible drift; p < {ks.drift} drift" in text
    assert f"< {w.possible} no drift; {w.possible}–{w.drift} possible drift; ≥ {w.drift} drift" in text
    assert DEFAULT_THRESHOLDS["chi2"] == ks and DEFAULT_THRESHOLDS["jensenshannon"] == w
