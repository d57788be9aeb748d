"""The ``vetiver`` command line.

Errors are one line on stderr and a non-zero exit; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import CLIError

EXIT_ERROR = 1
EXIT_USAGE = 2


def _print_table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
    for row in [headers, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


# --- plugins -------------------------------------------------------------------------------------


def cmd_plugins(args: argparse.Namespace) -> int:
    """List installed plugins, what each provides, and plugins that failed to load."""
    import warnings

    from .. import plugins

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", plugins.VetiverPluginWarning)  # listed below instead
        infos = plugins.plugins()
        provided: dict[str, list[str]] = {info.name: [] for info in infos}
        for kind in plugins.NAMED_HOOKS:
            for name, (_, info) in sorted(plugins.registry(kind).items()):
                provided.setdefault(info.name, []).append(f"{kind} {name}")
        for info in infos:
            if "handler_for_model" in info.hooks:
                provided[info.name].insert(0, "model handler")
        failures = plugins.failures()

    rows = [
        (info.name, info.distribution, info.version, "; ".join(provided.get(info.name, [])))
        for info in infos
        if args.all or not info.builtin
    ]
    if rows:
        _print_table(rows, ("plugin", "distribution", "version", "provides"))
    else:
        print("no plugins installed (pip install vetiver-sklearn, for example); --all shows built-ins")
    for name in plugins.disabled():
        print(f"disabled: {name} (by {plugins.DISABLE_ENV})")
    for failure in failures:
        print(f"failed: {failure}")
    return EXIT_ERROR if failures and args.strict else 0


# --- pins ----------------------------------------------------------------------------------------


def cmd_pins_list(args: argparse.Namespace) -> int:
    """List the pins on a board."""
    from ..storage.boards import existing_board

    for name in sorted(existing_board(args.board).pin_list()):
        print(name)
    return 0


def cmd_pins_versions(args: argparse.Namespace) -> int:
    """List the versions of a pin, oldest first."""
    from ..storage import pinstore
    from ..storage.boards import existing_board

    versions = pinstore.list_versions(existing_board(args.board), args.name)
    _print_table(
        [(v.version, v.created.isoformat() if v.created else "", v.hash or "") for v in versions],
        ("version", "created", "hash"),
    )
    return 0


# --- deploy --------------------------------------------------------------------------------------


def _parse_options(extra: Sequence[str]) -> dict[str, Any]:
    """``--key value``, ``--key=value`` and bare ``--flag`` into a dict (dashes to underscores)."""
    options: dict[str, Any] = {}
    items = list(extra)
    while items:
        item = items.pop(0)
        if not item.startswith("--") or item == "--":
            raise CLIError(f"unexpected argument {item!r}; target options look like --name value")
        key, _, value = item[2:].partition("=")
        if not _:
            value = items.pop(0) if items and not items[0].startswith("--") else "true"
        options[key.replace("-", "_")] = _coerce(value)
    return options


def _coerce(value: str) -> Any:
    lowered = value.lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    if value.isdigit():
        return int(value)
    return value


def cmd_prepare(args: argparse.Namespace, extra: Sequence[str]) -> int:
    """Write a deployable bundle for a pinned model."""
    from ..deploy import prepare

    folder = prepare(args.target, args.board, args.name, args.path, version=args.version, **_parse_options(extra))
    print(f"wrote {args.target} bundle for {args.name!r} to {folder}")
    return 0


def cmd_deploy(args: argparse.Namespace, extra: Sequence[str]) -> int:
    """Deploy a pinned model to a target."""
    from ..deploy import deploy

    result = deploy(args.target, args.board, args.name, version=args.version, **_parse_options(extra))
    if result is not None:
        print(result)
    return 0


# --- parser --------------------------------------------------------------------------------------

# Subcommands registered by other core modules (serving adds "serve"): name -> (setup, handler).
EXTRA_COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[..., int], str]] = {}


def build_parser() -> argparse.ArgumentParser:
    from ..version import __version__

    parser = argparse.ArgumentParser(prog="vetiver", description="Version, share, deploy and monitor models.")
    parser.add_argument("--version", action="version", version=f"vetiver {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    plugins_cmd = commands.add_parser("plugins", help="list installed plugins and what they provide")
    plugins_cmd.add_argument("--all", action="store_true", help="include vetiver's built-in plugins")
    plugins_cmd.add_argument("--strict", action="store_true", help="exit 1 if any plugin failed to load")
    plugins_cmd.set_defaults(handler=cmd_plugins)

    pins_cmd = commands.add_parser("pins", help="look at pins on a board")
    pins_sub = pins_cmd.add_subparsers(dest="pins_command", metavar="PINS_COMMAND")
    pins_sub.required = True
    pins_list = pins_sub.add_parser("list", help="list pins on a board")
    pins_list.add_argument("board", help="board URL or folder path")
    pins_list.set_defaults(handler=cmd_pins_list)
    pins_versions = pins_sub.add_parser("versions", help="list versions of a pin")
    pins_versions.add_argument("board", help="board URL or folder path")
    pins_versions.add_argument("name", help="pin name")
    pins_versions.set_defaults(handler=cmd_pins_versions)

    for name, handler, help_text in (
        ("prepare", cmd_prepare, "write a deployable bundle (extra --options go to the target)"),
        ("deploy", cmd_deploy, "deploy a pinned model (extra --options go to the target)"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("target", help="deploy target, e.g. docker")
        sub.add_argument("board", help="board URL or folder path")
        sub.add_argument("name", help="pin name")
        sub.add_argument("--version", dest="version", default=None, help="pin version (default: newest)")
        if name == "prepare":
            sub.add_argument("--path", default=".", help="folder to write the bundle into")
        sub.set_defaults(handler=handler, takes_extra=True)

    for name, (setup, handler, help_text) in EXTRA_COMMANDS.items():
        sub = commands.add_parser(name, help=help_text)
        setup(sub)
        sub.set_defaults(handler=handler)
    return parser


def _load_extra_commands() -> None:
    # Core modules that contribute subcommands; imported lazily so `vetiver plugins` stays fast.
    import importlib

    for module in ("vetiver.cli.serve", "vetiver.cli.demo", "vetiver.cli.plugin", "vetiver.cli.monitor"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    _load_extra_commands()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "takes_extra", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        if getattr(args, "takes_extra", False):
            return args.handler(args, extra)
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the CLI reports every failure as one line
        if args.debug:
            traceback.print_exc()
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"vetiver: error: {message}", file=sys.stderr)
        return EXIT_ERROR
