"""The xgboost Booster handler."""

from __future__ import annotations

import functools
from typing import Any, ClassVar

from vetiver.errors import ModelInputError
from vetiver.handlers.base import BaseHandler

# prediction type -> keyword arguments of Booster.predict
_PREDICT_OPTIONS: dict[str, dict[str, bool]] = {
    "predict": {},
    "predict_margin": {"output_margin": True},
    "predict_contribs": {"pred_contribs": True},
}


class XGBoostHandler(BaseHandler):
    """Handles ``xgboost.Booster`` models.

    Requests become a ``DMatrix`` whose columns follow the Booster's feature names (or, for a
    Booster trained without names, the prototype's column order), with those names kept, so a
    request with reordered columns still scores correctly. Categorical prototype columns are passed
    with ``enable_categorical``.

    Prediction types:
        ``predict``: the model's output (e.g. probabilities for ``binary:logistic``).
        ``predict_margin``: raw, untransformed margins (``output_margin=True``).
        ``predict_contribs``: SHAP feature contributions (``pred_contribs=True``): per row, one value
        per feature followed by the bias.
    """

    pip_name: ClassVar[str] = "xgboost"
    handler_name: ClassVar[str] = "xgboost"
    prediction_types: ClassVar[tuple[str, ...]] = tuple(_PREDICT_OPTIONS)
    model_format: ClassVar[str] = "xgboost-ubj"

    def handler_predict(self, input_data: Any, check_prototype: bool = True, **kw: Any) -> Any:
        """Predict for ``input_data``: a DataFrame with the prototype's columns or, without a
        prototype check, records (dicts) or rows (lists) in feature order."""
        prediction_type = kw.get("prediction_type", "predict")
        self.check_prediction_type(prediction_type)
        result = self.model.predict(self.dmatrix(input_data), **_PREDICT_OPTIONS[prediction_type])
        return result.tolist()

    def feature_names(self) -> list[str] | None:
        """The column order of the DMatrix: the Booster's own names, else the prototype's."""
        if self.model.feature_names:
            return list(self.model.feature_names)
        return self._prototype_names

    @functools.cached_property
    def _prototype_names(self) -> list[str] | None:
        from vetiver.prototype import infer_schema

        schema = infer_schema(self.prototype_data)
        return schema.names if schema is not None else None

    def dmatrix(self, input_data: Any) -> Any:
        """The ``xgboost.DMatrix`` the model predicts from."""
        import pandas as pd
        import xgboost

        frame = _as_frame(input_data, self.feature_names())
        categorical = any(isinstance(dtype, pd.CategoricalDtype) for dtype in frame.dtypes)
        return xgboost.DMatrix(frame, enable_categorical=categorical)


def _as_frame(input_data: Any, names: list[str] | None) -> Any:
    """A DataFrame with exactly the columns ``names``, in that order (any columns when None)."""
    import numpy as np
    import pandas as pd

    if isinstance(input_data, pd.DataFrame):
        frame = input_data
    elif isinstance(input_data, dict):
        frame = pd.DataFrame([input_data])
    elif isinstance(input_data, list) and input_data and isinstance(input_data[0], dict):
        frame = pd.DataFrame(input_data)
    else:  # rows as lists or an array, in feature order
        rows = np.asarray(input_data, dtype=float)
        rows = rows.reshape(1, -1) if rows.ndim == 1 else rows
        if names is not None and rows.shape[1] != len(names):
            raise ModelInputError(f"rows have {rows.shape[1]} values; the model expects {len(names)} features {names}")
        return pd.DataFrame(rows, columns=names)
    if names is None:
        return frame
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise ModelInputError(f"input is missing the model's feature columns {missing}")
    return frame[names]
