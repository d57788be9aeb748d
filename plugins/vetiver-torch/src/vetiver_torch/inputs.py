"""The dtype of a module's input, and the example rows ``torch.export`` traces with (requests
become arrays through :meth:`~vetiver.handlers.base.BaseHandler.as_array`)."""

from __future__ import annotations

from typing import Any

from vetiver.errors import ModelInputError

_NUMERIC_KINDS = ("integer", "number", "boolean")


def input_dtype(schema: Any, module: Any) -> Any:
    """The numpy dtype of the model's input.

    The prototype's column dtypes decide: a float32 prototype gives float32 input, an int64 one
    int64 (embedding indices). A floating prototype whose precision differs from the module's
    floating parameters follows the module instead, because torch refuses to mix them; prototypes
    read from vetiver 0.2.6 pins, whose JSON examples lost float32, rely on this. Without a
    prototype the module's parameter dtype (or float32) is used.

    Raises:
        ValueError: a prototype column is not numeric or boolean.
    """
    import numpy as np

    parameters = _floating_parameter_dtype(module)
    if schema is None:
        return parameters or np.dtype("float32")
    bad = [f"{c.name} ({c.kind})" for c in schema.columns if c.kind not in _NUMERIC_KINDS]
    if bad:
        raise ModelInputError(f"torch models take numeric input; prototype columns {', '.join(bad)} are not numeric")
    dtype = np.result_type(*[_numpy_dtype(c.dtype) for c in schema.columns])
    if parameters is not None and np.issubdtype(dtype, np.floating):
        return parameters
    return dtype


def _numpy_dtype(name: str) -> Any:
    import pandas as pd

    dtype = pd.api.types.pandas_dtype(name)
    return getattr(dtype, "numpy_dtype", dtype)  # nullable pandas dtypes (Int64...) wrap a numpy one


def _floating_parameter_dtype(module: Any) -> Any:
    import numpy as np
    import torch

    for tensor in [*module.parameters(), *module.buffers()]:
        if tensor.is_floating_point():
            return np.dtype(torch.empty((), dtype=tensor.dtype).numpy().dtype)
    return None


def example_rows(schema: Any, dtype: Any, count: int = 2) -> Any:
    """``count`` copies of the prototype's example row: the example input for ``torch.export``.

    Two rows, because export specializes a batch dimension it sees as 1.
    """
    import numpy as np

    row = [0 if c.example is None else c.example for c in schema.columns]
    return np.asarray([row] * count, dtype=dtype)
