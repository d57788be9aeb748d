"""A scikit-learn regressor that takes a fixed time per ``predict`` call, importable by served
processes (the pin refers to this module), and that counts its calls."""

from __future__ import annotations

import time

from sklearn.linear_model import LinearRegression


class SlowRegression(LinearRegression):
    """``LinearRegression`` whose ``predict`` sleeps ``delay`` seconds first and counts calls."""

    calls = 0

    def __init__(self, *, delay: float = 0.0, fit_intercept: bool = True) -> None:
        super().__init__(fit_intercept=fit_intercept)
        self.delay = delay

    def predict(self, X):
        type(self).calls += 1
        time.sleep(self.delay)
        return super().predict(X)
