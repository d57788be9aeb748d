"""The scikit-learn handler."""

from __future__ import annotations

from typing import Any, ClassVar

from vetiver.errors import PredictionTypeError
from vetiver.handlers.base import BaseHandler


class SKLearnHandler(BaseHandler):
    """Handles any ``sklearn.base.BaseEstimator``: Pipelines with ColumnTransformers receive a
    DataFrame with the prototype's column names and dtypes; sklearn-API estimators from other
    libraries work the same way.

    Prediction types: ``predict``, ``predict_proba``, ``predict_log_proba`` (the latter two when
    the estimator has them).
    """

    pip_name: ClassVar[str] = "scikit-learn"
    handler_name: ClassVar[str] = "sklearn"
    prediction_types: ClassVar[tuple[str, ...]] = ("predict", "predict_proba", "predict_log_proba")
    model_format: ClassVar[str] = "joblib"

    @staticmethod
    def model_class() -> type:
        from sklearn.base import BaseEstimator

        return BaseEstimator

    def required_pkgs(self) -> list[str]:
        from vetiver.handlers.base import pinned_requirement

        # Estimators from other libraries with an sklearn API need their own library too.
        root = type(self.model).__module__.split(".")[0]
        extra = _DISTRIBUTIONS.get(root)
        names = ["scikit-learn"] + ([extra] if extra else [])
        return [pinned_requirement(name) for name in names]

    def check_prediction_type(self, prediction_type: str) -> None:
        super().check_prediction_type(prediction_type)
        if not hasattr(self.model, prediction_type):
            raise PredictionTypeError(
                f"{type(self.model).__qualname__} has no {prediction_type}; "
                f"it offers {', '.join(t for t in self.prediction_types if hasattr(self.model, t))}"
            )

    def handler_predict(self, input_data: Any, check_prototype: bool = True, **kw: Any) -> Any:
        """Predict with the estimator. ``input_data`` is a DataFrame with the prototype's columns
        (or, without a prototype, rows as lists or dicts)."""
        prediction_type = kw.get("prediction_type", "predict")
        self.check_prediction_type(prediction_type)
        method = getattr(self.model, prediction_type)
        data = _as_model_input(input_data)
        if self._array_input_ok(data, method):
            data = data.to_numpy()
        result = method(data)
        return result.tolist() if hasattr(result, "tolist") else result

    # sklearn spends ~0.4 ms per call checking a DataFrame's feature names and dtypes (pandas 3),
    # several times a small model's own cost. Once the frame's columns are exactly the names the
    # estimator was fitted with, all plain numbers, and a probe shows the array gives the same
    # answer, later calls pass the array. Estimators that route columns by name (a
    # ColumnTransformer) fail or differ in the probe and keep getting DataFrames.
    _array_input: bool | None = None

    def accepts_array(self, columns: Any) -> bool:
        """Arrays are fine once the probe passed for exactly these (fitted) columns."""
        return self._array_input is True and list(columns) == self._fitted_names

    def _array_input_ok(self, data: Any, method: Any) -> bool:
        import numpy as np
        import pandas as pd

        if not isinstance(data, pd.DataFrame):
            return False
        if self._array_input is not None:
            return self._array_input and list(data.columns) == self._fitted_names
        names = getattr(self.model, "feature_names_in_", None)
        plain_numbers = all(isinstance(t, np.dtype) and t.kind in "biuf" for t in data.dtypes)
        if names is None or list(names) != list(data.columns) or not plain_numbers:
            return False  # decide on a frame that could qualify
        self._fitted_names = list(names)
        expected = method(data)
        _quiet_feature_name_warning()
        try:
            self._array_input = bool(np.array_equal(np.asarray(method(data.to_numpy())), np.asarray(expected)))
        except Exception:  # noqa: BLE001 - any failure means: keep passing DataFrames
            self._array_input = False
        return self._array_input


def _quiet_feature_name_warning() -> None:
    """sklearn warns when an estimator fitted on a DataFrame gets an array; the handler has just
    checked the columns itself. A filter (set once) rather than catch_warnings per call, which is
    not thread-safe and costs more than the call it guards."""
    import warnings

    warnings.filterwarnings(
        "ignore", message="X does not have valid feature names", category=UserWarning, module="sklearn"
    )


# Top-level modules of sklearn-API libraries and the distributions that provide them.
_DISTRIBUTIONS = {"xgboost": "xgboost", "lightgbm": "lightgbm", "catboost": "catboost"}


def _as_model_input(input_data: Any) -> Any:
    """DataFrames pass through (column names matter to ColumnTransformers); a list of dicts
    becomes a DataFrame; lists of rows are left to the estimator."""
    import pandas as pd

    if isinstance(input_data, (pd.DataFrame, pd.Series)):
        return input_data
    if isinstance(input_data, dict):
        return pd.DataFrame([input_data])
    if isinstance(input_data, list) and input_data and isinstance(input_data[0], dict):
        return pd.DataFrame(input_data)
    return input_data
