"""Shared fixtures: boards, the vetiver 0.2.6 environment, fitted models."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.support.legacy", "tests.support.moto", "tests.support.collection_guard"]


@pytest.fixture
def board(tmp_path):
    """A real versioned folder board that allows pickle reads."""
    import pins

    return pins.board_folder(str(tmp_path / "board"), allow_pickle_read=True)


@pytest.fixture(autouse=True)
def _fresh_plugins():
    """Each test sees plugins loaded from the current environment, not a previous test's state."""
    from vetiver import plugins

    plugins.reset()
    yield
    plugins.reset()
