"""The ``vetiver`` command line: the parser and plugin subcommands (:mod:`~vetiver.cli.commands`),
``vetiver serve`` (:mod:`~vetiver.cli.serve`), ``vetiver demo`` (:mod:`~vetiver.cli.demo`),
``vetiver plugin new`` (:mod:`~vetiver.cli.plugin`) and ``vetiver monitor`` (:mod:`~vetiver.cli.monitor`)."""

from __future__ import annotations

from .commands import EXIT_ERROR, EXTRA_COMMANDS, main

__all__ = ["EXIT_ERROR", "EXTRA_COMMANDS", "main"]
