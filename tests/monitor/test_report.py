"""`vetiver monitor report`: one self-contained HTML file, rendered offline in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import vetiver
from vetiver.monitor import PredictionLogger

from .conftest import make_frame

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def monitored(tmp_path_factory, fitted):
    """A board with a model pinned with reference data, and a log of three days of traffic, the
    last one shifted."""
    import pins

    model, train, _ = fitted
    root = tmp_path_factory.mktemp("monitored")
    board = pins.board_folder(str(root / "board"), allow_pickle_read=True)
    v = vetiver.VetiverModel(model, "reg", prototype_data=train[["x1", "x2"]])
    version = vetiver.vetiver_pin_write(board, v, reference_data=train).version.version
    log = PredictionLogger(root / "log", model_name="reg", model_version=version, flush_seconds=3600)
    for day in range(3):
        rows = make_frame(150, seed=40 + day, shift=1.5 if day == 2 else 0.0)
        log.log(f"day{day}", "predict", rows, model.predict(rows[["x1", "x2"]]), rows=len(rows))
        log.flush()
    log.close()
    # Spread the batches over three days, as three days of serving would have written them.
    for day, part in enumerate(sorted((root / "log").glob("date=*/*.parquet"))):
        table = pd.read_parquet(part)
        table["time"] = pd.Timestamp("2024-05-01", tz="UTC") + pd.Timedelta(days=day)
        folder = root / "log" / f"date=2024-05-0{day + 1}"
        folder.mkdir(exist_ok=True)
        table.to_parquet(folder / part.name)
        part.unlink()
    return root, version


def _report(root, *extra):
    out = root / "report.html"
    result = subprocess.run(
        [sys.executable, "-m", "vetiver.cli", "monitor", "report", str(root / "board"), "reg", "--log",
         str(root / "log"), "--out", str(out), *extra],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return result, out


@pytest.fixture(scope="module")
def report(monitored):
    """The report, written once by the CLI for the tests below."""
    result, out = _report(monitored[0])
    assert result.returncode == 0, result.stderr
    return out


def test_report_is_one_self_contained_file(monitored, report):
    _, version = monitored
    page = report.read_text()
    # plotly.js is inline: no script or stylesheet is fetched (the bundle's only URL is the default
    # topojson location, used by geo maps alone).
    assert not re.search(r"<script[^>]+src=", page) and "<link" not in page
    assert page.count("Plotly.newPlot") >= 3  # drift per feature, over time vs reference and vs previous
    assert f"version {version}" in page and "dataset: drift" in page.replace("dataset: no drift", "")
    assert "x1" in page and "chi2" in page


def test_report_errors_are_one_line(monitored, tmp_path):
    root, _ = monitored
    result, _ = _report(root, "--period", "fortnight")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "period" in result.stderr
    empty = tmp_path / "nolog"
    result = subprocess.run([sys.executable, "-m", "vetiver.cli", "monitor", "report", str(root / "board"), "reg",
                             "--log", str(empty)], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 1 and "does not exist" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian package 'chromium', "
                                             "listed in tests/requirements/serving-apt.txt)")  # fmt: skip
def test_report_renders_offline_in_chromium(report, tmp_path):
    out = report
    shot = tmp_path / "report.png"
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
              f"--user-data-dir={tmp_path / 'profile'}",
              # No network at all: every host name fails to resolve.
              "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=15000"]  # fmt: skip
    dom = subprocess.run([*common, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=180).stdout
    # plotly drew its figures: each rendered figure is an <svg class="main-svg">.
    assert len(re.findall(r'class="main-svg"', dom)) >= 3, dom[-2000:]
    assert "Drift per feature" in dom
    subprocess.run([*common, "--window-size=1200,2400", f"--screenshot={shot}", out.as_uri()],
                   capture_output=True, timeout=180)  # fmt: skip
    assert shot.exists() and shot.stat().st_size > 20_000
