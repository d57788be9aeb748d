"""Fail a run in which a path given on the command line collects no test.

pytest exits with 5 only when the whole run collects nothing; ``pytest tests/core tests/monitor``
with an empty or mistyped ``tests/monitor`` passes silently. This counts the tests collected under
each path before ``-k`` and ``-m`` deselect any (deselecting is deliberate, a path with no test is
not) and stops with a usage error naming the path.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def _requested_paths(config: pytest.Config) -> list[tuple[str, Path]]:
    """The command line's test paths (node ids reduced to their file), as given and resolved."""
    base = config.invocation_params.dir
    requested = []
    for arg in config.args:
        path = Path(arg.split("::", 1)[0])
        requested.append((arg, (base / path).resolve()))
    return requested


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    collected = [Path(item.path).resolve() for item in items]
    for arg, path in _requested_paths(config):
        if not path.exists():
            continue  # pytest reports a missing path itself
        if not any(found == path or found.is_relative_to(path) for found in collected):
            raise pytest.UsageError(f"{arg} collected no tests (an empty or misnamed test folder?)")
