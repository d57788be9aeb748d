"""Fitted xgboost Boosters and their data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xgboost


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame(rng.normal(size=(300, 3)), columns=["alpha", "beta", "gamma"])


@pytest.fixture(scope="module")
def booster(frame: pd.DataFrame) -> xgboost.Booster:
    """A binary:logistic Booster trained on a DataFrame, so it knows its feature names."""
    label = (frame.alpha + 0.5 * frame.beta > 0).astype(int)
    return xgboost.train(
        {"objective": "binary:logistic", "max_depth": 3, "nthread": 1}, xgboost.DMatrix(frame, label=label), 12
    )
