"""The xgboost Booster handler."""

from __future__ import annotations

from typing import Any, ClassVar

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

    framework: ClassVar[str] = "xgboost"
    pip_name: ClassVar[str] = "xgboost"
    handler_name: ClassVar[str] = "xgboost"
    prediction_types: ClassVar[tuple[str, ...]] = tuple(_PREDICT_OPTIONS)
    model_format: ClassVar[str] = "xgboost-ubj"

    @staticmethod
    def model_types() -> tuple[type, ...]:
        """``xgboost.Booster``: the sklearn wrappers (XGBRegressor...) also live in xgboost but are
        not Boosters; they fall through to vetiver-sklearn."""
        import xgboost

        return (xgboost.Booster,)

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
        return self.column_names

    def dmatrix(self, input_data: Any) -> Any:
        """The ``xgboost.DMatrix`` the model predicts from."""
        import pandas as pd
        import xgboost

        frame = self.as_frame(input_data, self.feature_names(), dtype=float)
        categorical = any(isinstance(dtype, pd.CategoricalDtype) for dtype in frame.dtypes)
        return xgboost.DMatrix(frame, enable_categorical=categorical)
