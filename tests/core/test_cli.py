"""The ``vetiver`` command line: plugins, pins, and one-line errors with non-zero exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pins
import pytest
from sklearn.linear_model import LinearRegression

import vetiver
from tests.support.dists import make_dist

VETIVER = str(Path(sys.executable).parent / "vetiver")


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([VETIVER, *args], capture_output=True, text=True, env={**os.environ, **env}, timeout=120)


@pytest.fixture
def pinned(tmp_path) -> str:
    X, _ = vetiver.get_mock_data(seed=1)
    board = pins.board_folder(str(tmp_path / "board"))
    for seed in (1, 2):
        Xs, ys = vetiver.get_mock_data(seed=seed)
        vetiver.vetiver_pin_write(board, vetiver.VetiverModel(LinearRegression().fit(Xs, ys), "cars", prototype_data=X))
    return str(tmp_path / "board")


def test_plugins_lists_installed_plugins_and_what_they_provide():
    result = run("plugins")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["plugin", "distribution", "version", "provides"]
    sklearn = next(line for line in lines if line.startswith("sklearn"))
    assert "vetiver-sklearn" in sklearn and "model handler" in sklearn
    example = next(line for line in lines if line.startswith("example"))
    assert "deploy target bundle" in example and "storage backend memory" in example
    assert "vetiver.defaults" not in result.stdout
    assert "storage backend s3" in run("plugins", "--all").stdout


def test_plugins_reports_failures(tmp_path):
    site = tmp_path / "site"
    make_dist(site, "vetiver-broken", "1.2.3", "vetiver_broken", "raise RuntimeError('boom')\n", "broken")
    env = {"PYTHONPATH": str(site)}
    result = run("plugins", **env)
    assert result.returncode == 0
    assert "failed: plugin 'broken' from vetiver-broken 1.2.3 was left out: RuntimeError: boom" in result.stdout
    assert run("plugins", "--strict", **env).returncode == 1


def test_pins_list_and_versions(pinned):
    listed = run("pins", "list", pinned)
    assert listed.returncode == 0 and listed.stdout.split() == ["cars"]
    versions = run("pins", "versions", pinned, "cars")
    assert versions.returncode == 0
    rows = versions.stdout.splitlines()
    assert rows[0].split() == ["version", "created", "hash"] and len(rows) == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (("pins", "versions", "{board}", "nope"), "vetiver: error: no pin named 'nope'"),
        (("pins", "list", "ftp://somewhere"), "vetiver: error: no storage backend handles ftp:// URLs"),
        (("deploy", "nowhere", "{board}", "cars"), "vetiver: error: no deploy target named 'nowhere'"),
        (("prepare", "bundle", "{board}", "cars", "stray"), "vetiver: error: unexpected argument 'stray'"),
    ],
)
def test_errors_are_one_line_and_non_zero(pinned, args, message):
    result = run(*(a.format(board=pinned) for a in args))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]  # exactly one line
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(pinned):
    result = run("--debug", "pins", "versions", pinned, "nope")
    assert result.returncode == 1 and "Traceback" in result.stderr


def test_usage_errors_exit_2():
    assert run("pins").returncode == 2
    assert run("plugins", "--nope").returncode == 2


def test_prepare_passes_options_to_the_target(pinned, tmp_path):
    out = tmp_path / "out"
    result = run("prepare", "bundle", pinned, "cars", "--path", str(out))
    assert result.returncode == 0, result.stderr
    assert "from_pin" in (out / "app.py").read_text()
