"""vetiver's handler conformance checks, run against the scikit-learn plugin."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from vetiver.testing import HandlerConformance


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(9)
    data = pd.DataFrame({"b": rng.normal(size=200), "c": rng.integers(0, 50, size=200), "d": rng.normal(size=200)})
    data["city"] = rng.choice(["oslo", "lima", "pune"], size=200)
    data["label"] = np.where(data.b + data.c / 25 > 1.2, "high", "low")
    return data


@pytest.fixture(scope="module")
def classifier(frame) -> LogisticRegression:
    return LogisticRegression(max_iter=500).fit(frame[["b", "c", "d"]], frame.label)


@pytest.fixture(scope="module")
def pipeline(frame):
    encode = make_column_transformer((OneHotEncoder(), ["city"]), remainder="passthrough")
    return make_pipeline(encode, Ridge()).fit(frame[["b", "c", "city"]], frame.d)


class TestClassifierConformance(HandlerConformance):
    """A classifier: its predict_proba and predict_log_proba types are checked too."""

    framework = "sklearn"
    plugin = "vetiver-sklearn"

    @pytest.fixture
    def model(self, classifier):
        return classifier

    @pytest.fixture
    def prototype_data(self, frame):
        return frame[["b", "c", "d"]].head(3)

    @pytest.fixture
    def sample_data(self, frame):
        return frame[["b", "c", "d"]].iloc[30:45]

    @pytest.fixture
    def expected(self, model, sample_data):
        return {
            "predict": model.predict(sample_data).tolist(),
            "predict_proba": model.predict_proba(sample_data).tolist(),
            "predict_log_proba": model.predict_log_proba(sample_data).tolist(),
        }


class TestPipelineConformance(HandlerConformance):
    """A Pipeline whose ColumnTransformer needs the prototype's column names and a text column."""

    framework = "sklearn"
    plugin = "vetiver-sklearn"

    @pytest.fixture
    def model(self, pipeline):
        return pipeline

    @pytest.fixture
    def prototype_data(self, frame):
        return frame[["b", "c", "city"]].head(3)

    @pytest.fixture
    def sample_data(self, frame):
        return frame[["b", "c", "city"]].iloc[60:70]

    @pytest.fixture
    def expected(self, model, sample_data):
        return model.predict(sample_data).tolist()


def test_the_pytest_plugin_imports_nothing_heavy():
    """pytest loads vetiver.testing (entry point pytest11) at start-up in every environment with
    vetiver-core, so importing it must stay as cheap as ``import vetiver``."""
    heavy = ["pandas", "numpy", "pins", "pyarrow", "pydantic", "starlette", "uvicorn", "httpx", "vetiver.plugins"]
    code = f"import json, sys, vetiver.testing; print(json.dumps([m for m in {heavy!r} if m in sys.modules]))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_pytest_plugin_is_registered():
    import importlib.metadata

    (entry,) = [ep for ep in importlib.metadata.entry_points(group="pytest11") if ep.name == "vetiver"]
    assert entry.value == "vetiver.testing"
