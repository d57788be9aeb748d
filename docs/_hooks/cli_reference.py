"""MkDocs hook: replace ``<!-- vetiver-cli-reference -->`` in a page with the reference of every
``vetiver`` subcommand, read from the CLI's own argparse parser at build time, so the page cannot
drift from the command line."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from typing import Any

MARKER = "<!-- vetiver-cli-reference -->"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, render_reference())


def vetiver_parser() -> argparse.ArgumentParser:
    """The parser ``vetiver`` runs with, subcommands of vetiver-core's own modules included."""
    from vetiver.cli import commands

    commands._load_extra_commands()  # what main() does before parsing: serve, demo, plugin ...
    return commands.build_parser()


def render_reference() -> str:
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"  # argparse wraps usage lines at the terminal width
    try:
        return "\n".join(_render(vetiver_parser()))
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous


def commands(
    parser: argparse.ArgumentParser, prefix: str = "vetiver"
) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    """(command line, help, parser) of every subcommand, depth first, in the parser's order."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield f"{prefix} {name}", helps.get(name, ""), sub
                yield from commands(sub, f"{prefix} {name}")


def _render(parser: argparse.ArgumentParser) -> Iterator[str]:
    yield "```text"
    yield parser.format_usage().strip()
    yield "```"
    yield from _arguments(parser)
    for line, help_text, sub in commands(parser):
        yield f"\n## `{line}`\n\n{_sentence(help_text)}\n"
        if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
            continue  # a group (`vetiver pins`): its subcommands follow
        yield "```text"
        yield sub.format_usage().strip()
        yield "```"
        yield from _arguments(sub)


def _arguments(parser: argparse.ArgumentParser) -> Iterator[str]:
    rows = [a for a in parser._actions if not isinstance(a, argparse._SubParsersAction | argparse._HelpAction)]
    if not rows:
        return
    yield ""
    yield "| argument | default | meaning |"
    yield "| --- | --- | --- |"
    for action in rows:
        name = ", ".join(action.option_strings) or action.metavar or action.dest
        if action.option_strings and action.nargs != 0:
            name += f" {action.metavar or action.dest.upper()}"
        default = (
            "" if action.default in (None, False, argparse.SUPPRESS) or action.nargs == 0 else f"`{action.default}`"
        )
        yield f"| `{name}` | {default} | {_cell(action.help or '')} |"
    yield ""


def _sentence(text: str) -> str:
    text = text.strip()
    return f"{text[:1].upper()}{text[1:]}." if text and not text.endswith(".") else text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
