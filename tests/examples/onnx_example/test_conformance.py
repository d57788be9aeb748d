"""vetiver's handler conformance suite, run against the installed vetiver-onnx wheel."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from vetiver.testing import HandlerConformance

# The plugin is installed from its wheel only by its own nox session ("example"); elsewhere it is absent.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("vetiver_onnx") is None, reason="vetiver-onnx is not installed (nox -s example)"
)


class TestOnnxConformance(HandlerConformance):
    framework = "onnxruntime"
    plugin = "vetiver-onnx"
    # onnxruntime computes the probabilities in float32, scikit-learn in float64.
    atol = 1e-6

    @pytest.fixture
    def model(self, onnx_classifier):
        return onnx_classifier

    @pytest.fixture
    def prototype_data(self, frame):
        return frame.head(3)

    @pytest.fixture
    def sample_data(self, frame):
        return frame.iloc[100:130]

    @pytest.fixture
    def expected(self, sklearn_classifier, sample_data):
        """The scikit-learn model's own labels and probabilities: the graph must reproduce them."""
        rows = sample_data.to_numpy(np.float32)
        return {
            "predict": sklearn_classifier.predict(rows).tolist(),
            "probabilities": sklearn_classifier.predict_proba(rows).tolist(),
        }
