"""Mock data and models for examples and tests (0.2.6 names).

The mock models are scikit-learn estimators, so these functions need the ``vetiver-sklearn``
plugin (and scikit-learn) installed; they import it only when called.
"""

from __future__ import annotations

from typing import Any


def get_mock_data(seed: int | None = None) -> tuple[Any, Any]:
    """100 rows of random integers: ``X`` with columns B, C, D and the response ``y`` (column A).

    As in 0.2.6 the numbers come from NumPy's global random state (``np.random.randint``), so
    ``np.random.seed(n)`` first gives 0.2.6's data; ``seed=n`` gives the same data without
    touching the global state.
    """
    import numpy as np
    import pandas as pd

    draw = np.random.randint if seed is None else np.random.RandomState(seed).randint
    data = pd.DataFrame(draw(0, 100, size=(100, 4)), columns=list("ABCD"))
    return data.iloc[:, 1:], data["A"]


def get_mock_model() -> Any:
    """An unfitted ``sklearn.dummy.DummyRegressor``."""
    from sklearn.dummy import DummyRegressor

    return DummyRegressor()


def get_mtcars_model() -> Any:
    """A ``LogisticRegression`` fitted on mtcars to predict ``cyl`` from the other columns."""
    from sklearn.linear_model import LogisticRegression

    from .data import load

    mtcars = load("mtcars")
    return LogisticRegression(max_iter=1000, random_state=500).fit(mtcars.drop(columns="cyl"), mtcars["cyl"])
