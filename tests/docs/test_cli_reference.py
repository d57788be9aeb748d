"""The CLI reference page is generated from the parser at build time: every subcommand and every
option of ``vetiver`` appears in it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _hook():
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "docs" / "_hooks" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_subcommand_and_option_is_in_the_reference():
    hook = _hook()
    text = hook.render_reference()
    found = list(hook.commands(hook.vetiver_parser()))
    names = {line for line, _, _ in found}
    assert {"vetiver plugins", "vetiver pins list", "vetiver serve", "vetiver demo", "vetiver plugin"} <= names
    for line, _, parser in found:
        assert f"## `{line}`" in text
        for action in parser._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}" in text.split(f"## `{line}`", 1)[1], (line, option)


def test_the_page_carries_the_marker_the_hook_replaces():
    assert _hook().MARKER in (ROOT / "docs" / "cli.md").read_text()
