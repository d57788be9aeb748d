"""The ONNX model handler: requests become the graph's input tensors, onnxruntime runs the graph."""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import Any, ClassVar

from vetiver.handlers.base import BaseHandler

# onnxruntime's type strings of the tensor inputs we can build from a table, as numpy dtypes.
_NUMPY_TYPES = {
    "tensor(float)": "float32",
    "tensor(double)": "float64",
    "tensor(float16)": "float16",
    "tensor(int64)": "int64",
    "tensor(int32)": "int32",
    "tensor(int16)": "int16",
    "tensor(int8)": "int8",
    "tensor(uint8)": "uint8",
    "tensor(bool)": "bool",
    "tensor(string)": "object",
}


class OnnxHandler(BaseHandler):
    """Handles ``onnx.ModelProto`` models with an onnxruntime CPU session.

    A graph with a single 2-D input receives the prototype's columns, in the prototype's order,
    as one tensor; any other graph receives one tensor per input, taken from the column of the
    input's name. The first output is ``predict``; each further output is a prediction type
    named after it.
    """

    pip_name: ClassVar[str] = "onnxruntime"
    extra_pkgs: ClassVar[tuple[str, ...]] = ("onnx",)
    handler_name: ClassVar[str] = "onnx"
    model_format: ClassVar[str] = "onnx"

    def __init__(self, model: Any, prototype_data: Any = None) -> None:
        super().__init__(model, prototype_data)
        self._session_lock = threading.Lock()

    def describe(self) -> str:
        producer = " ".join(p for p in (self.model.producer_name, self.model.producer_version) if p)
        return f"An ONNX model{f' from {producer}' if producer else ''}"

    # --- the graph ---------------------------------------------------------------------------

    @property
    def session(self) -> Any:
        """The ``onnxruntime.InferenceSession`` running the model, created on first use."""
        with self._session_lock:  # two first requests on two threads build one session
            if "_session" not in self.__dict__:
                import onnxruntime

                options = onnxruntime.SessionOptions()
                options.log_severity_level = 3  # errors only: warnings about unused initializers are noise
                self.__dict__["_session"] = onnxruntime.InferenceSession(
                    self.model.SerializeToString(), options, providers=["CPUExecutionProvider"]
                )
        return self.__dict__["_session"]

    @functools.cached_property
    def output_names(self) -> list[str]:
        return [output.name for output in self.model.graph.output]

    @property
    def prediction_types(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("predict", *self.output_names[1:])

    @functools.cached_property
    def _inputs(self) -> list[tuple[str, str, int]]:
        """(name, onnxruntime type string, rank) of each graph input that is not an initializer."""
        return [(i.name, i.type, len(i.shape)) for i in self.session.get_inputs()]

    @functools.cached_property
    def _stacked(self) -> bool:
        """True when the graph takes every feature in one 2-D tensor."""
        return len(self._inputs) == 1 and self._inputs[0][2] == 2 and self._feature_names != [self._inputs[0][0]]

    @functools.cached_property
    def _feature_names(self) -> list[str] | None:
        from vetiver.prototype import infer_schema

        schema = infer_schema(self.prototype_data)
        return schema.names if schema is not None else None

    def handler_startup(self) -> None:
        self.session  # noqa: B018 - build the session before the first request, not during it

    # --- predictions -------------------------------------------------------------------------

    def accepts_array(self, columns: Sequence[str]) -> bool:
        """A validated 2-D array is exactly the tensor of a stacked numeric graph."""
        if not self._stacked or self._inputs[0][1] == "tensor(string)":
            return False
        return self._feature_names is None or list(columns) == self._feature_names

    def handler_predict(self, input_data: Any, check_prototype: bool = True, **kw: Any) -> Any:
        """Run the graph on ``input_data``: a DataFrame (records or rows without a prototype),
        or the validated 2-D array of a stacked graph."""
        prediction_type = kw.get("prediction_type", "predict")
        self.check_prediction_type(prediction_type)
        output = self.output_names[0] if prediction_type == "predict" else prediction_type
        (result,) = self.session.run([output], self._feeds(input_data))
        return _as_list(result)

    def _feeds(self, input_data: Any) -> dict[str, Any]:
        import numpy as np
        import pandas as pd

        if self._stacked:
            name, type_string, _ = self._inputs[0]
            if isinstance(input_data, pd.DataFrame):
                names = self._feature_names or list(input_data.columns)
                missing = [column for column in names if column not in input_data.columns]
                if missing:
                    raise ValueError(f"input is missing the model's feature columns {missing}")
                input_data = input_data[names].to_numpy()
            elif isinstance(input_data, list) and input_data and isinstance(input_data[0], dict):
                return self._feeds(pd.DataFrame(input_data))
            rows = np.asarray(input_data, dtype=_dtype(type_string))
            return {name: rows.reshape(1, -1) if rows.ndim == 1 else rows}

        frame = input_data if isinstance(input_data, pd.DataFrame) else pd.DataFrame(input_data)
        missing = [name for name, _, _ in self._inputs if name not in frame.columns]
        if missing:
            raise ValueError(f"input is missing the columns {missing} that the ONNX graph takes as inputs")
        feeds = {}
        for name, type_string, rank in self._inputs:
            column = frame[name].to_numpy(dtype=_dtype(type_string))
            feeds[name] = column.reshape(-1, 1) if rank == 2 else column
        return feeds


def _dtype(type_string: str) -> str:
    try:
        return _NUMPY_TYPES[type_string]
    except KeyError:
        raise ValueError(f"vetiver-onnx cannot build a {type_string} input from a table") from None


def _as_list(result: Any) -> list:
    """An output as one entry per row: ``[batch, 1]`` tensors are flattened; sequences of maps
    (skl2onnx's ZipMap) stay records."""
    if hasattr(result, "ndim"):
        if result.ndim == 2 and result.shape[1] == 1:
            result = result[:, 0]
        return result.tolist()
    return [dict(row) for row in result]
