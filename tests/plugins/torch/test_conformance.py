"""vetiver's handler conformance checks, run against the torch plugin, requiring bit-identical
predictions everywhere (one row vs batch, served vs in-process, after the pin round trip)."""

from __future__ import annotations

import pytest

from tests.plugins.torch.conftest import eval_rows
from vetiver.testing import HandlerConformance


class TestTorchConformance(HandlerConformance):
    framework = "torch"
    plugin = "vetiver-torch"
    rtol = 0.0
    atol = 0.0

    @pytest.fixture
    def model(self, mlp):
        return mlp

    @pytest.fixture
    def prototype_data(self, features):
        return features[:3]  # a 2-D float32 array: columns "0".."3", dtype float32

    @pytest.fixture
    def sample_data(self, sample):
        return sample

    @pytest.fixture
    def expected(self, mlp, sample):
        return eval_rows(mlp, sample.to_numpy())
