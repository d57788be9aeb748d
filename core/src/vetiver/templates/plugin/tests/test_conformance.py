"""vetiver's handler conformance suite, run against this plugin as installed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vetiver.testing import HandlerConformance


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.normal(size=(60, 3)), columns=["x1", "x2", "x3"])


class TestConformance(HandlerConformance):
    # The module a plugin must not import while vetiver discovers plugins: your framework's.
    framework = "PLUGINMODULE.model"
    plugin = "PLUGINDIST"

    @pytest.fixture
    def model(self, frame):
        from PLUGINMODULE.model import LinearModel

        return LinearModel.fit(frame, 2 * frame.x1 - frame.x3 + 0.5)

    @pytest.fixture
    def prototype_data(self, frame):
        return frame.head(3)

    @pytest.fixture
    def sample_data(self, frame):
        return frame.iloc[20:30]

    @pytest.fixture
    def expected(self, sample_data):
        """Predictions computed without vetiver."""
        return (2 * sample_data.x1 - sample_data.x3 + 0.5).tolist()
