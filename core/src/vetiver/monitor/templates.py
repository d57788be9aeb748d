"""Quarto templates (0.2.6 names): a model card and a monitoring dashboard, copied to a folder."""

from __future__ import annotations

import shutil
from importlib.resources import as_file, files
from pathlib import Path

MODEL_CARD = "model_card.qmd"
MONITORING_DASHBOARD = "monitoring_dashboard.qmd"


def _copy(template: str, path: str | Path) -> Path:
    target = Path(path)
    target.mkdir(parents=True, exist_ok=True)
    with as_file(files(__package__).joinpath("templates").joinpath(template)) as source:
        shutil.copy(source, target / template)
    return target / template


def model_card(path: str | Path = ".") -> Path:
    """Write ``model_card.qmd`` into the folder ``path`` and return its path.

    Render it with ``quarto render model_card.qmd -P board:PATH -P name:PIN``; its defaults pin
    vetiver's demo model to a temporary board, so it renders as shipped.
    """
    return _copy(MODEL_CARD, path)


def monitoring_dashboard(path: str | Path = ".") -> Path:
    """Write ``monitoring_dashboard.qmd`` (a Quarto dashboard) into ``path`` and return its path.

    Parameters ``board``, ``name`` and ``log`` (a prediction log folder) point it at a model;
    its defaults build a demo model and a synthetic log, so it renders as shipped.
    """
    return _copy(MONITORING_DASHBOARD, path)
