"""The benchmark's model: a LinearRegression on 3 numeric columns, identical in every server.

Imported by the three server scripts (each runs in its own interpreter, the 0.2.6 one in its own
virtual environment), so the model is rebuilt from the same seed rather than shared as a pickle.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression

COLUMNS = ["x1", "x2", "x3"]


def training_data(rows: int = 500, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(rows, len(COLUMNS))), columns=COLUMNS)
    y = X.to_numpy() @ np.array([1.5, -2.0, 0.5]) + rng.normal(scale=0.1, size=rows)
    return X, y


def fitted_model() -> tuple[LinearRegression, pd.DataFrame]:
    X, y = training_data()
    return LinearRegression().fit(X, y), X
