"""Fitted statsmodels results (formula and array API) and their data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """Predictors x1, x2 and a categorical `shop`, responses y (continuous) and bought (0/1), and
    a column no model uses."""
    rng = np.random.default_rng(5)
    n = 400
    data = pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": rng.uniform(1, 3, size=n),
            "shop": pd.Categorical(rng.choice(["north", "south", "east"], size=n)),
            "unused": rng.normal(size=n),
        }
    )
    data["y"] = 1 + 2 * data.x1 - data.x2 + (data.shop == "south") * 0.7 + rng.normal(scale=0.5, size=n)
    data["bought"] = (data.y + rng.normal(size=n) > 0.5).astype(int)
    return data


@pytest.fixture(scope="module")
def formula_ols(frame):
    return smf.ols("y ~ x1 + np.log(x2) + C(shop)", data=frame).fit()


@pytest.fixture(scope="module")
def array_logit(frame):
    return sm.Logit(frame.bought, sm.add_constant(frame[["x1", "x2"]])).fit(disp=0)
