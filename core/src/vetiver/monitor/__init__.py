"""Monitoring: metrics over time, reference profiles and drift, fairness, prediction logs, reports.

``vetiver.monitor.compute_metrics`` and the other 0.2.6 names keep their 0.2.6 paths (and are at
the top level of ``vetiver``). Names load on first use; plotly and scipy are imported only by the
functions that need them (``pip install 'vetiver-core[monitor]'``).
"""

# ruff: noqa: F401 - names imported for type checkers only; __all__ comes from the export table
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    # metrics over time (0.2.6)
    "compute_metrics": "vetiver.monitor.metrics",
    "pin_metrics": "vetiver.monitor.metrics_pin",
    "plot_metrics": "vetiver.monitor.plots",
    "_rolling_df": "vetiver.monitor.windows",
    # reference profiles
    "ReferenceProfile": "vetiver.monitor.profile",
    "profile_frame": "vetiver.monitor.profile",
    "pin_reference_profile": "vetiver.monitor.reference_pin",
    "read_reference_profile": "vetiver.monitor.reference_pin",
    # drift
    "compute_drift": "vetiver.monitor.drift",
    "compute_drift_over_time": "vetiver.monitor.drift",
    "Threshold": "vetiver.monitor.drift",
    "DEFAULT_THRESHOLDS": "vetiver.monitor.drift",
    "plot_drift": "vetiver.monitor.plots",
    "plot_drift_over_time": "vetiver.monitor.plots",
    # fairness
    "compute_group_metrics": "vetiver.monitor.fairness",
    "DisparityRule": "vetiver.monitor.fairness",
    "FOUR_FIFTHS": "vetiver.monitor.fairness",
    "selection_rate": "vetiver.monitor.fairness",
    "plot_group_metrics": "vetiver.monitor.plots",
    # prediction logs
    "PredictionLogger": "vetiver.monitor.prediction_log",
    "read_prediction_log": "vetiver.monitor.log_reader",
    "join_ground_truth": "vetiver.monitor.log_reader",
    # reports and templates
    "write_report": "vetiver.monitor.report",
    "model_card": "vetiver.monitor.templates",
    "monitoring_dashboard": "vetiver.monitor.templates",
    # errors
    "MonitorError": "vetiver.errors",
    "MissingDependencyError": "vetiver.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'vetiver.monitor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from ..errors import MissingDependencyError, MonitorError
    from .drift import DEFAULT_THRESHOLDS, Threshold, compute_drift, compute_drift_over_time
    from .fairness import FOUR_FIFTHS, DisparityRule, compute_group_metrics, selection_rate
    from .log_reader import join_ground_truth, read_prediction_log
    from .metrics import compute_metrics
    from .metrics_pin import pin_metrics
    from .plots import plot_drift, plot_drift_over_time, plot_group_metrics, plot_metrics
    from .prediction_log import PredictionLogger
    from .profile import ReferenceProfile, profile_frame
    from .reference_pin import pin_reference_profile, read_reference_profile
    from .report import write_report
    from .templates import model_card, monitoring_dashboard
    from .windows import _rolling_df
