"""A model that needs no framework, for the plugin conformance suites: any environment with
vetiver-core can fit, pin (joblib), load and serve it."""

from __future__ import annotations

from typing import Any

from ..handlers.base import BaseHandler


class LineModel:
    """``y = slope * x + intercept``: a model any environment can fit, pickle and serve."""

    def __init__(self, slope: float = 2.0, intercept: float = 1.0) -> None:
        self.slope, self.intercept = float(slope), float(intercept)

    def predict(self, frame: Any) -> list[float]:
        return [self.slope * float(x) + self.intercept for x in frame["x"]]


class LineHandler(BaseHandler):
    """The handler of :class:`LineModel` (found by the model's type; pinned as joblib)."""

    model_class = LineModel
    handler_name = "line"


def line_frame(rows: int = 4) -> Any:
    """A request frame: column ``x`` = 0, 1, 2, ..."""
    import pandas as pd

    return pd.DataFrame({"x": [float(i) for i in range(rows)]})
