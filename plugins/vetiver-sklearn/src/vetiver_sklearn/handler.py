"""The scikit-learn handler."""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

from vetiver.errors import PredictionTypeError
from vetiver.handlers.base import BaseHandler


class SkopsFallbackWarning(UserWarning):
    """A model was pinned with joblib because skops cannot store it safely."""


class SKLearnHandler(BaseHandler):
    """Handles any ``sklearn.base.BaseEstimator``: Pipelines with ColumnTransformers receive a
    DataFrame with the prototype's column names and dtypes; sklearn-API estimators from other
    libraries work the same way.

    Prediction types: ``predict``, ``predict_proba``, ``predict_log_proba`` (the latter two when
    the estimator has them).
    """

    # Any class deriving from an sklearn class (xgboost.XGBRegressor, lightgbm, user estimators)
    # has "sklearn" among its bases' modules.
    framework: ClassVar[str] = "sklearn"
    pip_name: ClassVar[str] = "scikit-learn"
    handler_name: ClassVar[str] = "sklearn"
    prediction_types: ClassVar[tuple[str, ...]] = ("predict", "predict_proba", "predict_log_proba")
    _format_choice: str = "joblib"

    @property
    def model_format(self) -> str:
        """The model format pins of this model are written in: ``"joblib"`` (the default; vetiver
        0.2.6 and plain pins read it, readers need pickle consent) or ``"skops"`` (no pickle, see
        :mod:`vetiver_sklearn.formats`), chosen by assigning it. A model skops cannot store
        safely is pinned with joblib instead, with a :class:`SkopsFallbackWarning` saying why."""
        if self._format_choice != "skops":
            return self._format_choice
        from .formats import untrusted_types

        untrusted = untrusted_types(self.model)
        if untrusted:
            warnings.warn(
                f"{type(self.model).__qualname__} is pinned with joblib, not skops: skops would refuse to "
                f"load {', '.join(untrusted)} without trusting them explicitly, so readers need pickle "
                "consent for this pin",
                SkopsFallbackWarning,
                stacklevel=3,
            )
            return "joblib"
        return "skops"

    @model_format.setter
    def model_format(self, name: str) -> None:
        if name not in ("joblib", "skops"):
            raise ValueError(f"the sklearn handler pins with 'joblib' or 'skops', not {name!r}")
        self._format_choice = name

    @staticmethod
    def model_class() -> type:
        """``sklearn.base.BaseEstimator`` (0.2.6 name)."""
        from sklearn.base import BaseEstimator

        return BaseEstimator

    @staticmethod
    def model_types() -> tuple[type, ...]:
        return (SKLearnHandler.model_class(),)

    def required_pkgs(self) -> list[str]:
        from vetiver.handlers.base import pinned_requirement

        # Estimators from other libraries with an sklearn API need their own library too.
        root = type(self.model).__module__.split(".")[0]
        extra = _DISTRIBUTIONS.get(root)
        names = ["scikit-learn"] + ([extra] if extra else [])
        return [pinned_requirement(name) for name in names]

    def available_prediction_types(self) -> tuple[str, ...]:
        """``predict_proba`` and ``predict_log_proba`` only for estimators that have them."""
        return tuple(t for t in self.prediction_types if hasattr(self.model, t))

    def check_prediction_type(self, prediction_type: str) -> None:
        super().check_prediction_type(prediction_type)
        if not hasattr(self.model, prediction_type):
            raise PredictionTypeError(
                f"{type(self.model).__qualname__} has no {prediction_type}; "
                f"it offers {', '.join(self.available_prediction_types())}"
            )

    def handler_predict(self, input_data: Any, check_prototype: bool = True, **kw: Any) -> Any:
        """Predict with the estimator. ``input_data`` is a DataFrame with the prototype's columns
        (or, without a prototype, rows as lists or dicts)."""
        prediction_type = kw.get("prediction_type", "predict")
        self.check_prediction_type(prediction_type)
        method = getattr(self.model, prediction_type)
        data = self._model_input(input_data)
        if self._array_input_ok(data, method):
            data = data.to_numpy()
        result = method(data)
        return result.tolist() if hasattr(result, "tolist") else result

    def _model_input(self, input_data: Any) -> Any:
        """Records become a DataFrame (column names matter to ColumnTransformers); DataFrames,
        Series and lists of rows are left to the estimator."""
        records = isinstance(input_data, dict) or (
            isinstance(input_data, list) and bool(input_data) and isinstance(input_data[0], dict)
        )
        return self.as_frame(input_data, select=False) if records else input_data

    # sklearn spends ~0.4 ms per call checking a DataFrame's feature names and dtypes (pandas 3),
    # several times a small model's own cost. Once the frame's columns are exactly the names the
    # estimator was fitted with, all plain numbers, and a probe shows the array gives the same
    # answer, later calls pass the array. Estimators that route columns by name (a
    # ColumnTransformer) fail or differ in the probe and keep getting DataFrames.
    _array_input: bool | None = None
    _fitted_names: list[str]  # set with _array_input

    def handler_startup(self) -> None:
        """Run the array probe once, when the API is built, on the prototype's example row, so no
        live request pays for it (it used to call ``predict`` three times on the first request).
        A model the example cannot decide for keeps getting DataFrames."""
        from vetiver.schema.infer import infer_schema

        try:
            schema = infer_schema(self.prototype_data)
            example = schema.example_frame() if schema is not None else None
            decided = example is not None and self._array_input_ok(example, self.model.predict)
        except Exception:  # noqa: BLE001 - the example does not predict: serve DataFrames
            decided = False
        self._array_input = bool(decided)

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
