"""``vetiver plugin new NAME``: start a model handler plugin from vetiver's template.

The template (``vetiver/templates/plugin``) is a complete, working plugin for a stand-in
model: pyproject with the entry point, the hook module, a handler, a model format, the handler
conformance test and a README saying what to change. Its tests pass as soon as it is installed.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from .. import __version__
from ..errors import VetiverError
from . import commands as cli

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "plugin"
_NAME = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")


class PluginTemplateError(VetiverError, ValueError):
    """The plugin name is not usable, or the target folder already holds files."""


def new_plugin(name: str, path: str | Path = ".") -> Path:
    """Write a new plugin ``vetiver-<name>`` (module ``vetiver_<name>``) into ``path``.

    Args:
        name: The plugin's short name: lower-case letters and digits, words joined by ``-`` or
            ``_`` (``"lightgbm"``). It names the entry point, the handler and the model format.
        path: The folder to create the plugin's folder ``vetiver-<name>`` in.

    Returns:
        The plugin's folder.

    Raises:
        PluginTemplateError: ``name`` is not a valid plugin name, or the folder exists and is not
            empty.
    """
    name = name.removeprefix("vetiver-").removeprefix("vetiver_")
    if not _NAME.fullmatch(name):
        raise PluginTemplateError(
            f"plugin name {name!r} must be lower-case letters and digits, words joined by '-' or '_' (e.g. 'lightgbm')"
        )
    short = name.replace("_", "-")
    major, minor = (int(part) for part in __version__.split(".")[:2])
    values = {
        "PLUGINMODULE": f"vetiver_{short.replace('-', '_')}",
        "PLUGINDIST": f"vetiver-{short}",
        "PLUGINNAME": short,
        "COREVERSION": f"{major}.{minor}",
        "CORENEXT": f"{major}.{minor + 1}",
    }
    folder = Path(path) / values["PLUGINDIST"]
    if folder.exists() and any(folder.iterdir()):
        raise PluginTemplateError(f"{folder} already exists and is not empty")
    for source in sorted(TEMPLATE.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts:
            continue
        target = folder / _fill(source.relative_to(TEMPLATE).as_posix(), values)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_fill(source.read_text(), values))
    return folder


def _fill(text: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


# --- the command line ----------------------------------------------------------------------------


def setup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["new"], help="new: create a plugin from vetiver's template")
    parser.add_argument("name", help="the plugin's short name, e.g. lightgbm (makes vetiver-lightgbm)")
    parser.add_argument("--path", default=".", help="folder to create the plugin's folder in (default: here)")


def cmd_plugin(args: argparse.Namespace) -> int:
    folder = new_plugin(args.name, args.path)
    print(f"wrote {folder}; next: pip install -e '{folder}[test]' && pytest {folder}")
    return 0


cli.EXTRA_COMMANDS["plugin"] = (setup, cmd_plugin, "start a new plugin from vetiver's template")
