"""The benchmark's model as a BentoML 1.4 service, as its scikit-learn guide writes one.

Served with ``bentoml serve bentoml_service:LinearModel`` (production mode, one worker) from the
model store prepared by ``prepare.py`` (``BENTOML_HOME``). Request: ``{"input": [[x1, x2, x3], ...]}``;
answer: the JSON array of predictions. Access logging is off, as for every server in the comparison.
"""

from __future__ import annotations

import bentoml
import numpy as np


@bentoml.service(workers=1, logging={"access": {"enabled": False}})
class LinearModel:
    bento_model = bentoml.models.BentoModel("lm:latest")

    def __init__(self) -> None:
        self.model = bentoml.sklearn.load_model(self.bento_model)

    @bentoml.api
    def predict(self, input: np.ndarray) -> np.ndarray:
        return self.model.predict(input)
