"""``vetiver serve BOARD NAME``: serve a pinned model over HTTP.

Every option has an environment-variable default, so a container entrypoint can run plain
``vetiver serve`` (``VETIVER_BOARD``, ``VETIVER_PIN_NAME``, ``VETIVER_PIN_VERSION``, ``VETIVER_HOST``,
``PORT``, ``VETIVER_WORKERS``, ``VETIVER_RUNTIME``; ``PINS_ALLOW_PICKLE_READ=1`` consents to reading
pickled models; ``VETIVER_API_KEY`` turns on API-key auth and ``VETIVER_PIN_KEY`` requires the pin to be signed
with that key (see :mod:`vetiver.storage.signing`), both kept out of the command line so they do not show
in process listings; worker processes inherit them). The model is loaded before the server starts, so a missing board or
pin, a missing handler plugin or a refused pickle is one error line and a non-zero exit.
"""

from __future__ import annotations

import argparse
import errno
import gc
import os
import socket

from ..serving.app_factory import ServeSettings, load_api
from . import commands as cli

FACTORY = "vetiver.serving.app_factory:create_app"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise cli.CLIError(f"{name} must be an integer, not {value!r}") from None


def check_port_free(host: str, port: int) -> None:
    """Fail with one line when ``host:port`` cannot be listened on (uvicorn would print a
    multi-line error and exit with 3)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is free
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise cli.CLIError(
                    f"port {port} on {host} is already in use: stop what listens there or pass --port"
                ) from None
            raise cli.CLIError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def local_url(host: str, port: int) -> str:
    """The URL a browser on this machine opens for a server bound to ``host:port``."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def setup(parser: argparse.ArgumentParser) -> None:
    """Add ``vetiver serve``'s arguments."""
    env = os.environ.get
    parser.add_argument("board", nargs="?", default=env("VETIVER_BOARD"), help="board URL or folder [VETIVER_BOARD]")
    parser.add_argument("name", nargs="?", default=env("VETIVER_PIN_NAME"), help="pin name [VETIVER_PIN_NAME]")
    parser.add_argument(
        "--version",
        default=env("VETIVER_PIN_VERSION") or None,
        help="pin version (default: newest) [VETIVER_PIN_VERSION]",
    )
    parser.add_argument(
        "--host",
        default=env("VETIVER_HOST") or "127.0.0.1",
        help="address to listen on (default 127.0.0.1) [VETIVER_HOST]",
    )
    parser.add_argument("--port", type=int, default=None, help="port (default 8080) [PORT]")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes, each loading the model once (default 1) [VETIVER_WORKERS]",
    )
    parser.add_argument(
        "--runtime",
        default=env("VETIVER_RUNTIME") or "uvicorn",
        help="serving runtime plugin (default uvicorn) [VETIVER_RUNTIME]",
    )
    parser.add_argument(
        "--allow-pickle", action="store_true", help="allow reading pickled (joblib) models [PINS_ALLOW_PICKLE_READ=1]"
    )
    parser.add_argument(
        "--api-key-header",
        default=env("VETIVER_API_KEY_HEADER") or "Authorization",
        help="header carrying the API key set in VETIVER_API_KEY (default Authorization)",
    )
    parser.add_argument("--max-body-size", type=int, default=None, help="largest request body in bytes (413 above)")
    parser.add_argument(
        "--forbid-extra-columns",
        action="store_true",
        help="reject request columns the prototype does not have (default: ignore them)",
    )
    parser.add_argument("--no-check-prototype", action="store_true", help="do not validate request bodies")
    parser.add_argument("--no-access-log", action="store_true", help="do not log one line per request")
    parser.add_argument(
        "--log-predictions", metavar="DIR", default=env("VETIVER_LOG_PREDICTIONS") or None,
        help="log every prediction to this folder (date-partitioned Parquet) [VETIVER_LOG_PREDICTIONS]",
    )  # fmt: skip
    # The top-level --debug also works after the subcommand.
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _settings(args: argparse.Namespace) -> ServeSettings:
    if not args.board or not args.name:
        raise cli.CLIError(
            "vetiver serve needs a board and a pin name (arguments, or VETIVER_BOARD and VETIVER_PIN_NAME)"
        )
    from ..storage.names import validate_pin_name, validate_version

    # Before anything heavy is imported; the board's own rules are checked again when reading.
    validate_pin_name(args.name, owner_allowed=True)
    if args.version:
        validate_version(args.version)
    size = args.max_body_size if args.max_body_size is not None else _env_int("VETIVER_MAX_BODY_SIZE", 0) or None
    return ServeSettings(
        board=args.board,
        name=args.name,
        version=args.version,
        runtime=args.runtime,
        allow_pickle=args.allow_pickle or os.environ.get("PINS_ALLOW_PICKLE_READ", "") not in ("", "0", "false"),
        api_key=os.environ.get("VETIVER_API_KEY") or None,
        api_key_header=args.api_key_header,
        max_body_size=size,
        extra_columns="forbid" if args.forbid_extra_columns else os.environ.get("VETIVER_EXTRA_COLUMNS") or "ignore",
        access_log=not args.no_access_log,
        check_prototype=not args.no_check_prototype,
        log_predictions=args.log_predictions,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve a pinned model until interrupted; 0 on a clean shutdown."""
    from .. import plugins
    from ..errors import PickleConsentError
    from ..storage.boards import check_board_exists

    settings = _settings(args)
    check_board_exists(settings.board)
    port = args.port if args.port is not None else _env_int("PORT", 8080)
    workers = args.workers if args.workers is not None else _env_int("VETIVER_WORKERS", 1)
    if workers < 1:
        raise cli.CLIError(f"--workers must be at least 1, not {workers}")
    runtime = plugins.serving_runtime(settings.runtime)
    check_port_free(args.host, port)
    try:
        api = load_api(settings)  # fail here, before binding a port, with one clear line
    except PickleConsentError as error:
        raise PickleConsentError(f"{error}; with vetiver serve, pass --allow-pickle") from error
    url = local_url(args.host, port)
    print(f"serving {settings.name!r} on {url} (API docs: {url}/__docs__); stop with Ctrl-C", flush=True)
    if workers == 1:
        runtime.serve(api.app, host=args.host, port=port, workers=1)
        return 0
    # Each worker process loads its own copy through the factory; drop the checked one.
    del api
    gc.collect()
    os.environ.update(settings.to_env())
    runtime.serve(FACTORY, host=args.host, port=port, workers=workers)
    return 0


cli.EXTRA_COMMANDS["serve"] = (setup, cmd_serve, "serve a pinned model over HTTP")
