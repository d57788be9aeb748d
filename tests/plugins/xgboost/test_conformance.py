"""vetiver's handler conformance checks, run against the xgboost plugin."""

from __future__ import annotations

import pytest
import xgboost

from vetiver.testing import HandlerConformance


class TestXGBoostConformance(HandlerConformance):
    framework = "xgboost"
    plugin = "vetiver-xgboost"

    @pytest.fixture
    def model(self, booster):
        return booster

    @pytest.fixture
    def prototype_data(self, frame):
        return frame.head(3)

    @pytest.fixture
    def sample_data(self, frame):
        return frame.iloc[40:52]

    @pytest.fixture
    def expected(self, booster, sample_data):
        matrix = xgboost.DMatrix(sample_data)
        return {
            "predict": booster.predict(matrix).tolist(),
            "predict_margin": booster.predict(matrix, output_margin=True).tolist(),
            "predict_contribs": booster.predict(matrix, pred_contribs=True).tolist(),
        }
