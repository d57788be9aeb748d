"""``vetiver monitor report BOARD NAME --log DIR --out report.html``."""

from __future__ import annotations

import argparse

from . import commands as cli


def setup(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="monitor_command", metavar="MONITOR_COMMAND")
    commands.required = True
    report = commands.add_parser("report", help="write a self-contained HTML monitoring report")
    report.add_argument("board", help="board URL or folder path")
    report.add_argument("name", help="model pin name")
    report.add_argument("--log", required=True, help="prediction log folder (vetiver serve --log-predictions DIR)")
    report.add_argument("--out", default="report.html", help="HTML file to write (default report.html)")
    report.add_argument("--version", default=None, help="model version (default: the newest)")
    report.add_argument("--period", default="day", help="window for drift over time: day, week, month or a timedelta")
    report.add_argument("--metrics-pin", default=None, help="a metrics pin (vetiver.pin_metrics) to plot too")


def cmd_monitor(args: argparse.Namespace) -> int:
    from ..errors import MonitorError
    from ..monitor.frame_pins import read_pin
    from ..monitor.log_reader import read_prediction_log
    from ..monitor.reference_pin import read_reference_profile
    from ..monitor.report import write_report
    from ..monitor.windows import parse_period
    from ..storage.boards import board

    parse_period(args.period)  # a bad period fails before any reading
    models = board(args.board)
    profile = read_reference_profile(models, args.name, args.version)
    metrics = read_pin(models, args.metrics_pin) if args.metrics_pin else None
    if profile is None and metrics is None:
        raise MonitorError(
            f"model {args.name!r} has no reference profile for that version, so there is nothing to compare the log "
            "with: pin it with vetiver_pin_write(..., reference_data=...) or vetiver.monitor.pin_reference_profile"
        )
    log = read_prediction_log(args.log)
    if "model_version" in log.columns and profile is not None:
        # Compare only what this model version predicted.
        same = log[log["model_version"] == profile.model_version]
        log = same if len(same) else log
    path = write_report(args.out, profile=profile, log=log, metrics=metrics, period=args.period)
    print(f"wrote {path} ({len(log)} logged rows)")
    return 0


cli.EXTRA_COMMANDS["monitor"] = (setup, cmd_monitor, "monitor a pinned model: drift reports from prediction logs")
