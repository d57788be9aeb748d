"""Request-data helpers (0.2.6 names)."""

from __future__ import annotations

from functools import singledispatch
from typing import Any


@singledispatch
def api_data_to_frame(pred_data: Any) -> Any:
    """Turn request data (rows as dicts or pydantic models, one dict, or a DataFrame) into a
    DataFrame."""
    import pandas as pd

    if isinstance(pred_data, pd.DataFrame):
        return pred_data
    if isinstance(pred_data, dict):
        return pd.DataFrame([pred_data])
    if isinstance(pred_data, (list, tuple)):
        return pd.DataFrame([_row(item) for item in pred_data])
    return pd.DataFrame([_row(pred_data)])


def _row(item: Any) -> dict:
    if hasattr(item, "model_dump"):
        return item.model_dump()
    return dict(item)


def response_to_frame(response: Any) -> Any:
    """A prediction response (``{"predict": [...]}``) as a DataFrame."""
    import pandas as pd

    return pd.DataFrame.from_dict(response.json())
