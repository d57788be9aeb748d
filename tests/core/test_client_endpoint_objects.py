"""``vetiver.predict`` hands data to endpoint objects of deploy-target plugins (the Endpoint protocol)."""

from __future__ import annotations

import pandas as pd

import vetiver
from vetiver.serving.client import Endpoint, json_body


class RowCounter:
    """A platform client as a plugin would write one: it gets the data and the keyword arguments."""

    def __init__(self) -> None:
        self.calls: list[tuple[bytes, dict]] = []

    def predict(self, data, **kw):
        self.calls.append((json_body(data), kw))
        return pd.DataFrame({"predict": [len(pd.DataFrame(data))]})


def test_an_object_with_predict_answers_instead_of_http():
    endpoint = RowCounter()
    assert isinstance(endpoint, Endpoint) and not isinstance("http://x/predict", Endpoint)
    answer = vetiver.predict(endpoint, pd.DataFrame({"a": [1, 2]}), timeout=5)
    assert answer["predict"].tolist() == [2]
    assert endpoint.calls == [(b'[{"a":1},{"a":2}]', {"timeout": 5})]
