"""The built-in ``joblib`` model format: what vetiver 0.2.6 and plain pins read and write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..hookspecs import ModelFormat, hookimpl


def _save(model: Any, path: Path) -> None:
    import joblib

    joblib.dump(model, path)


def _load(path: Path) -> Any:
    import joblib

    return joblib.load(path)


@hookimpl
def model_formats() -> list[ModelFormat]:
    return [
        ModelFormat(
            name="joblib",
            file_suffix=".joblib",
            save=_save,
            load=_load,
            uses_pickle=True,
            pin_type="joblib",
        )
    ]
