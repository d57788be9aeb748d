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
        # OLS.predict takes no `which`, so it offers no predict_linear.
        return {
            "predict": formula_ols.predict(sample_data).tolist(),
            "get_prediction": formula_ols.get_prediction(sample_data).summary_frame().to_dict(orient="records"),
        }


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
        exog = sm.add_constant(sample_data, has_constant="add")
        return {
            "predict": array_logit.predict(exog).tolist(),
            "predict_linear": array_logit.predict(exog, which="linear").tolist(),
            "get_prediction": array_logit.get_prediction(exog).summary_frame().to_dict(orient="records"),
        }
