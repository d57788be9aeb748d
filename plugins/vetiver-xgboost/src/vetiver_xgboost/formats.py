"""The ``xgboost-ubj`` model format: a Booster in xgboost's own binary JSON (UBJSON) format.

xgboost parses the file itself, so reading it runs no code from the file and needs no pickle
consent; feature names and types are stored in it (xgboost >= 2.0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vetiver.hookspecs import ModelFormat


def _save(model: Any, path: Path) -> None:
    # xgboost picks the format from the suffix: ".ubj" is UBJSON.
    model.save_model(str(path))


def _load(path: Path) -> Any:
    import xgboost

    return xgboost.Booster(model_file=str(path))


UBJSON = ModelFormat(
    name="xgboost-ubj",
    file_suffix=".ubj",
    save=_save,
    load=_load,
    uses_pickle=False,
    pin_type="file",
)
