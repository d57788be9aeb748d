"""Request data to model input: a rows x features array in the prototype's column order and dtype."""

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


def as_rows(input_data: Any, names: list[str] | None, dtype: Any) -> Any:
    """A 2-D numpy array of ``dtype``: DataFrames and records in the prototype's column order,
    lists or arrays of rows as given.

    Raises:
        ValueError: the data lacks prototype columns or has the wrong number of values per row.
    """
    import numpy as np
    import pandas as pd

    if isinstance(input_data, dict):
        input_data = pd.DataFrame([input_data])
    elif isinstance(input_data, list) and input_data and isinstance(input_data[0], dict):
        input_data = pd.DataFrame(input_data)
    if isinstance(input_data, pd.DataFrame) and names is not None:
        missing = [name for name in names if name not in input_data.columns]
        if missing:
            raise ModelInputError(f"input is missing the prototype's columns {missing}")
        input_data = input_data[names]
    if hasattr(input_data, "detach"):  # a tensor given in-process
        input_data = input_data.detach().cpu().numpy()
    rows = np.array(input_data, dtype=dtype)  # a writable copy: torch warns on read-only pandas buffers
    rows = rows.reshape(1, -1) if rows.ndim == 1 else rows
    if names is not None and rows.shape[1] != len(names):
        raise ModelInputError(f"rows have {rows.shape[1]} values; the model takes {len(names)} ({names})")
    return rows


def example_rows(schema: Any, dtype: Any, count: int = 2) -> Any:
    """``count`` copies of the prototype's example row: the example input for ``torch.export``.

    Two rows, because export specializes a batch dimension it sees as 1.
    """
    import numpy as np

    row = [0 if c.example is None else c.example for c in schema.columns]
    return np.asarray([row] * count, dtype=dtype)
