"""The statsmodels results handler."""

from __future__ import annotations

import functools
import inspect
from typing import Any, ClassVar

from vetiver.errors import ModelInputError, PredictionTypeError
from vetiver.handlers.base import BaseHandler


def results_types() -> tuple[type, ...]:
    """The statsmodels classes of fitted results this handler serves."""
    from statsmodels.base.model import Results
    from statsmodels.base.wrapper import ResultsWrapper

    return (ResultsWrapper, Results)


class StatsmodelsHandler(BaseHandler):
    """Handles fitted statsmodels results (``OLS(...).fit()``, ``smf.glm(...).fit()``, Logit...).

    Formula models (``statsmodels.formula.api``) receive a DataFrame with the prototype's columns
    and apply their formula to it, categorical terms (``C(x)``) and transforms included. Models
    from the array API receive the exog matrix in the model's column order (by name when the
    request has the model's ``exog_names``, else by position); a constant added with
    ``sm.add_constant`` may be left out of requests and is filled with ones.

    Prediction types, where the model offers them:
        ``predict``: ``results.predict`` (the mean).
        ``predict_linear``: the linear predictor, ``predict(which="linear")`` (GLM, Logit, Poisson...).
        ``get_prediction``: per row, the columns of ``get_prediction(...).summary_frame()``:
        the mean, its standard error and 95% confidence bounds (for OLS also ``obs_ci_*``
        prediction bounds).
    """

    pip_name: ClassVar[str] = "statsmodels"
    handler_name: ClassVar[str] = "statsmodels"
    prediction_types: ClassVar[tuple[str, ...]] = ("predict", "predict_linear", "get_prediction")
    model_format: ClassVar[str] = "statsmodels-joblib"

    def describe(self) -> str:
        """``"A statsmodels OLS model"``: named after the fitted model, not its results wrapper."""
        return f"A statsmodels {type(self.model.model).__name__} model"

    @property
    def is_formula(self) -> bool:
        """True for models fitted through the formula API."""
        return getattr(self.model.model, "formula", None) is not None

    def available_prediction_types(self) -> tuple[str, ...]:
        """The prediction types this particular model offers."""
        offered = ["predict"]
        if "which" in inspect.signature(self.model.model.predict).parameters:
            offered.append("predict_linear")
        if hasattr(self.model, "get_prediction"):
            offered.append("get_prediction")
        return tuple(offered)

    def check_prediction_type(self, prediction_type: str) -> None:
        super().check_prediction_type(prediction_type)
        offered = self.available_prediction_types()
        if prediction_type not in offered:
            raise PredictionTypeError(
                f"{type(self.model.model).__name__} results offer no {prediction_type}; "
                f"choose one of {', '.join(offered)}"
            )

    def handler_predict(self, input_data: Any, check_prototype: bool = True, **kw: Any) -> Any:
        """Predict for ``input_data``: a DataFrame with the prototype's columns or, without a
        prototype check, records (dicts) or rows (lists)."""
        import numpy as np

        prediction_type = kw.get("prediction_type", "predict")
        self.check_prediction_type(prediction_type)
        exog = self.exog(input_data)
        if prediction_type == "get_prediction":
            summary = self.model.get_prediction(exog).summary_frame()
            return summary.to_dict(orient="records")
        options = {"which": "linear"} if prediction_type == "predict_linear" else {}
        return np.asarray(self.model.predict(exog, **options)).tolist()

    def exog(self, input_data: Any) -> Any:
        """What the model's ``predict`` receives: a DataFrame for formula models, else the exog
        matrix in the model's column order."""
        names = self._prototype_names
        frame = _as_frame(input_data, names)
        if names is not None and set(names) <= set(frame.columns):
            frame = frame[names]  # the prototype's order, which positional exog relies on
        if self.is_formula:
            return frame  # the formula picks and transforms its own columns
        return _array_exog(self.model, frame)

    @functools.cached_property
    def _prototype_names(self) -> list[str] | None:
        from vetiver.prototype import infer_schema

        schema = infer_schema(self.prototype_data)
        return schema.names if schema is not None else None


def _as_frame(input_data: Any, names: list[str] | None) -> Any:
    """A DataFrame of the request; lists of rows get the prototype's column names."""
    import numpy as np
    import pandas as pd

    if isinstance(input_data, pd.DataFrame):
        return input_data
    if isinstance(input_data, dict):
        return pd.DataFrame([input_data])
    if isinstance(input_data, list) and input_data and isinstance(input_data[0], dict):
        return pd.DataFrame(input_data)
    rows = np.asarray(input_data)
    rows = rows.reshape(1, -1) if rows.ndim == 1 else rows
    fits = names is not None and rows.shape[1] == len(names)
    return pd.DataFrame(rows, columns=names if fits else None)


def _array_exog(results: Any, frame: Any) -> Any:
    """The exog matrix: by name when the request has the model's columns (the constant may be
    missing), else by position."""
    import numpy as np

    names = [str(name) for name in results.model.exog_names]
    const_idx = getattr(results.model.data, "const_idx", None)
    const = names[const_idx] if const_idx is not None else None
    frame = frame.rename(columns=str)
    if set(names) - {const} <= set(frame.columns):
        if const is not None and const not in frame.columns:
            frame = frame.assign(**{const: 1.0})
        return frame[names]
    values = frame.to_numpy(dtype=float)
    if values.shape[1] == len(names) - 1 and const_idx is not None:
        return np.insert(values, const_idx, 1.0, axis=1)
    if values.shape[1] == len(names):
        return values
    raise ModelInputError(
        f"the model expects {len(names)} columns {names} (the constant may be left out); "
        f"the request has {values.shape[1]}: {list(frame.columns)}"
    )
