"""``vetiver demo``: pin a demo model to a local folder board and serve it.

The demo model is scikit-learn's LogisticRegression fitted on mtcars (``get_mtcars_model``), so
the command needs the ``vetiver-sklearn`` plugin.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import commands as cli

DEMO_PIN = "mtcars"


def setup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--board", default="./vetiver-demo-board", help="folder board to pin the demo model to")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    parser.add_argument("--no-serve", action="store_true", help="only pin the model")


def pin_demo_model(board_path: str) -> str:
    """Pin the demo model (once; an identical re-write adds no version) and return the pin name."""
    from .. import data, mock
    from ..model import VetiverModel
    from ..storage.boards import board
    from ..storage.model_pins import vetiver_pin_write

    features = data.load("mtcars").drop(columns="cyl")
    model = VetiverModel(
        mock.get_mtcars_model(),
        DEMO_PIN,
        prototype_data=features.head(1),
        description="Predicts an mtcars car's number of cylinders (vetiver demo)",
    )
    Path(board_path).mkdir(parents=True, exist_ok=True)
    vetiver_pin_write(board(board_path), model)
    return DEMO_PIN


def cmd_demo(args: argparse.Namespace) -> int:
    name = pin_demo_model(args.board)
    print(f"pinned {name!r} to the folder board {args.board}")
    if args.no_serve:
        return 0
    print(f"serving it on http://{args.host}:{args.port} (API page: /__docs__); stop with Ctrl-C")
    from .serve import cmd_serve

    serve_args = cli.build_parser().parse_args(
        ["serve", args.board, name, "--allow-pickle", "--host", args.host, "--port", str(args.port)]
    )
    return cmd_serve(serve_args)


cli.EXTRA_COMMANDS["demo"] = (setup, cmd_demo, "pin a demo model to a local folder board and serve it")
