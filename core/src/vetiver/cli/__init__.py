"""The ``vetiver`` command line: the parser and plugin subcommands (:mod:`~vetiver.cli.commands`),
``vetiver serve`` (:mod:`~vetiver.cli.serve`) and ``vetiver demo`` (:mod:`~vetiver.cli.demo`)."""

from __future__ import annotations

from .commands import EXIT_ERROR, EXTRA_COMMANDS, main

__all__ = ["EXIT_ERROR", "EXTRA_COMMANDS", "main"]
