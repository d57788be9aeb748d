"""Model outputs as named columns, one naming rule for prediction logs and reference profiles.

A 1-D result (a list, a Series, a 1-D array) is the column ``prediction``; a 2-D array gives
``prediction_0``, ``prediction_1``, ...; a DataFrame gives ``prediction_<column>``.
"""

from __future__ import annotations

from typing import Any

PREDICTION = "prediction"


def prediction_columns(result: Any, rows: int | None = None) -> dict[str, Any]:
    """``{column name: 1-D numpy array}`` for a model's result on ``rows`` rows."""
    import numpy as np

    if hasattr(result, "columns") and hasattr(result, "iloc"):  # a DataFrame
        return {f"{PREDICTION}_{column}": result[column].to_numpy() for column in result.columns}
    if isinstance(result, dict):
        return {f"{PREDICTION}_{key}": np.asarray(value) for key, value in result.items()}
    values = np.asarray(result.to_numpy() if hasattr(result, "to_numpy") else result)
    if values.ndim == 0 or (rows is not None and values.ndim == 1 and len(values) != rows):
        # One value for the whole request (an aggregate endpoint): repeat it per row.
        values = np.repeat(values.reshape(-1)[:1], rows or 1)
    if values.ndim == 1:
        return {PREDICTION: values}
    if values.ndim == 2 and values.shape[1] == 1:
        return {PREDICTION: values[:, 0]}
    flat = values.reshape(values.shape[0], -1)
    return {f"{PREDICTION}_{i}": flat[:, i] for i in range(flat.shape[1])}
