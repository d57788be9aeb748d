"""Fixtures for the monitoring tests: a fitted model and data with a known shift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def make_frame(n: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    """Two numeric and one categorical feature; ``shift`` moves ``x1`` by that many stds and
    tilts the category shares."""
    rng = np.random.default_rng(seed)
    weights = np.array([0.5, 0.3, 0.2]) if not shift else np.array([0.2, 0.3, 0.5])
    return pd.DataFrame({
        "x1": rng.normal(shift, 1.0, n),
        "x2": rng.exponential(2.0, n),
        "color": rng.choice(["red", "green", "blue"], size=n, p=weights),
    })  # fmt: skip


@pytest.fixture(scope="module")
def fitted():
    """A scikit-learn model on the numeric features, with its training rows."""
    from sklearn.linear_model import LinearRegression

    train = make_frame(500, seed=1)
    y = 2 * train["x1"] - train["x2"] + np.random.default_rng(2).normal(0, 0.1, len(train))
    model = LinearRegression().fit(train[["x1", "x2"]], y)
    return model, train, y
