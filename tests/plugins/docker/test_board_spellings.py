"""Every way users write a folder board works for prepare: ``./b``, ``b``, ``~/b``, an absolute
path and ``file://`` (a relative board once copied the pin to a garbled path and failed), and a
failed prepare leaves no output folder behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pins
import pytest

import vetiver
from tests.plugins.docker.conftest import pin_two_versions

VETIVER = str(Path(sys.executable).parent / "vetiver")


@pytest.fixture
def in_home(tmp_path, monkeypatch) -> Path:
    """A working directory that is also ``~``, holding a two-version board at ``./my-board``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    pin_two_versions(tmp_path / "my-board")
    return tmp_path


def bundled_meta(context: Path, version: str) -> Path:
    return context / "board" / "cars" / version / "data.txt"


@pytest.mark.parametrize(
    "spelling", ["./my-board", "my-board", "~/my-board", "{home}/my-board", "file://{home}/my-board"]
)
def test_prepare_accepts_the_spelling(in_home: Path, spelling: str):
    url = spelling.format(home=in_home)
    context = vetiver.prepare("docker", vetiver.board(url, allow_pickle_read=True), "cars", "image", allow_pickle=True)
    version = pins.board_folder(str(in_home / "my-board")).pin_versions("cars").version.iloc[-1]
    assert bundled_meta(in_home / context, version).exists()


def test_a_board_object_made_from_a_relative_path(in_home: Path):
    board = pins.board_folder("./my-board", allow_pickle_read=True)
    vetiver.prepare("docker", board, "cars", "image", allow_pickle=True)
    assert bundled_meta(in_home / "image", board.pin_versions("cars").version.iloc[-1]).exists()


def test_the_readme_command_from_a_relative_board(in_home: Path):
    command = [VETIVER, "prepare", "docker", "./my-board", "cars", "--path", "./image", "--allow-pickle"]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=300, env={**os.environ, "PINS_ALLOW_PICKLE_READ": ""}
    )
    assert result.returncode == 0, result.stderr
    assert list((in_home / "image" / "board" / "cars").glob("*/data.txt"))


def test_a_failed_prepare_leaves_no_output_folder(in_home: Path):
    command = [VETIVER, "prepare", "docker", "./my-board", "cars", "--path", "./out/image"]  # no pickle consent
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=300, env={**os.environ, "PINS_ALLOW_PICKLE_READ": ""}
    )
    assert result.returncode == 1 and "--allow-pickle" in result.stderr
    assert not (in_home / "out").exists()


def test_a_missing_board_is_one_line(in_home: Path):
    command = [VETIVER, "prepare", "docker", "./no-such-board", "cars", "--path", "./image", "--allow-pickle"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert result.stderr.strip() == "vetiver: error: no board at './no-such-board': the folder does not exist"
    assert not (in_home / "image").exists()
