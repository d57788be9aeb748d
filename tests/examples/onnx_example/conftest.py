"""ONNX graphs for the vetiver-onnx tests: one converted from scikit-learn by skl2onnx (a single
stacked float input), one built node by node with ``onnx.helper`` (one input per column)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame(rng.normal(size=(200, 3)), columns=["alpha", "beta", "gamma"])


@pytest.fixture(scope="module")
def sklearn_classifier(frame):
    from sklearn.linear_model import LogisticRegression

    label = (frame.alpha - frame.gamma > 0).astype(int)
    return LogisticRegression().fit(frame.to_numpy(np.float32), label)


@pytest.fixture(scope="module")
def onnx_classifier(sklearn_classifier, frame):
    """skl2onnx's graph: input ``X`` [batch, 3] float; outputs ``label`` and ``probabilities``."""
    from skl2onnx import to_onnx

    return to_onnx(sklearn_classifier, frame.to_numpy(np.float32)[:1], options={"zipmap": False}, target_opset=18)


@pytest.fixture(scope="module")
def price_graph():
    """``price = 2.5 * area + 10 * rooms`` with ``area`` double [batch] and ``rooms`` int64
    [batch, 1]: a graph with one input per column, of two element types."""
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [
            helper.make_node("Reshape", ["rooms", "flat"], ["rooms_flat"]),
            helper.make_node("Cast", ["rooms_flat"], ["rooms_double"], to=TensorProto.DOUBLE),
            helper.make_node("Mul", ["area", "per_area"], ["area_part"]),
            helper.make_node("Mul", ["rooms_double", "per_room"], ["room_part"]),
            helper.make_node("Add", ["area_part", "room_part"], ["price"]),
        ],
        "price",
        [
            helper.make_tensor_value_info("area", TensorProto.DOUBLE, ["batch"]),
            helper.make_tensor_value_info("rooms", TensorProto.INT64, ["batch", 1]),
        ],
        [helper.make_tensor_value_info("price", TensorProto.DOUBLE, ["batch"])],
        initializer=[
            helper.make_tensor("flat", TensorProto.INT64, [1], [-1]),
            helper.make_tensor("per_area", TensorProto.DOUBLE, [], [2.5]),
            helper.make_tensor("per_room", TensorProto.DOUBLE, [], [10.0]),
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], producer_name="vetiver-tests")


@pytest.fixture(scope="module")
def houses() -> pd.DataFrame:
    return pd.DataFrame({"area": [50.0, 72.5, 110.0, 31.25], "rooms": [2, 3, 5, 1]})
