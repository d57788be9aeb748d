"""Boards from URLs through the storage-backend registry."""

from __future__ import annotations

import pins
import pytest

import vetiver
from vetiver.errors import UnknownPluginNameError
from vetiver.storage.boards import backend_for_url, board_protocols


def test_plain_paths_and_file_urls_are_folder_boards(tmp_path):
    assert backend_for_url(str(tmp_path)).name == "file"
    assert backend_for_url("relative/folder").name == "file"
    folder = vetiver.board(f"file://{tmp_path}")
    assert set(board_protocols(folder)) & {"file", "local"}
    assert vetiver.get_board_pkgs(folder) == []


def test_temp_board():
    board = vetiver.board("temp://", allow_pickle_read=True)
    assert board.allow_pickle_read is True
    assert board.pin_list() == []


@pytest.mark.parametrize(
    "url, backend",
    [("s3://b/p", "s3"), ("gs://b/p", "gs"), ("gcs://b", "gs"), ("az://c/p", "az"), ("connect://", "connect")],
)
def test_schemes_pick_backends(url, backend):
    assert backend_for_url(url).name == backend


def test_unknown_scheme_lists_known_ones_and_suggests_a_plugin():
    with pytest.raises(
        UnknownPluginNameError, match=r"no storage backend handles ftp:// URLs.*s3.*pip install vetiver-ftp"
    ):
        vetiver.board("ftp://host/path")


def test_storage_packages_see_through_the_pins_cache(tmp_path):
    """0.2.6's get_board_pkgs compared against 'pinscache' and returned []."""
    cached = pins.board("file", str(tmp_path))  # wrapped in PinsCache
    assert "local" in board_protocols(cached) or "file" in board_protocols(cached)
    memory = vetiver.board("memory://boards-test")  # from the installed example plugin
    assert board_protocols(memory) == ("memory",)
