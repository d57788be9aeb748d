"""The ``statsmodels-joblib`` model format: a joblib pickle of the results without training data.

It is a ``type: joblib`` pin, so vetiver 0.2.6 and plain pins read it; like every pickle, reading
it needs the board's pickle consent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vetiver.hookspecs import ModelFormat


def _save(model: Any, path: Path) -> None:
    import joblib

    from .slim import without_training_data

    joblib.dump(without_training_data(model), path)


def _load(path: Path) -> Any:
    import joblib

    return joblib.load(path)


JOBLIB_WITHOUT_DATA = ModelFormat(
    name="statsmodels-joblib",
    file_suffix=".joblib",
    save=_save,
    load=_load,
    uses_pickle=True,
    pin_type="joblib",
)
