"""vetiver's handler conformance checks, run against the statsmodels plugin (formula and array API)."""

from __future__ import annotations

import pytest
import statsmodels.api as sm

from vetiver.testing import HandlerConformance


class TestFormulaOLSConformance(HandlerConformance):
    """An OLS fitted through the formula API, with a transformed and a categorical term."""

    framework = "statsmodels"
    plugin = "vetiver-statsmodels"

    @pytest.fixture
    def model(self, formula_ols):
        return formula_ols

    @pytest.fixture
    def prototype_data(self, frame):
        return frame[["x1", "x2", "shop"]].head(3)

    @pytest.fixture
    def sample_data(self, frame):
        return frame[["x1", "x2", "shop"]].iloc[50:60]

    @pytest.fixture
    def expected(self, formula_ols, sample_data):
        return formula_ols.predict(sample_data).tolist()


class TestArrayLogitConformance(HandlerConformance):
    """A Logit fitted through the array API with a constant that requests leave out."""

    framework = "statsmodels"
    plugin = "vetiver-statsmodels"

    @pytest.fixture
    def model(self, array_logit):
        return array_logit

    @pytest.fixture
    def prototype_data(self, frame):
        return frame[["x1", "x2"]].head(3)

    @pytest.fixture
    def sample_data(self, frame):
        return frame[["x1", "x2"]].iloc[20:32]

    @pytest.fixture
    def expected(self, array_logit, sample_data):
        return array_logit.predict(sm.add_constant(sample_data, has_constant="add")).tolist()
