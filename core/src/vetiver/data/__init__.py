"""Example data sets (0.2.6 names): ``vetiver.data.mtcars``, ``.chicago``, ``.sacramento``.

Each attribute reads its CSV on access. The data come from the R packages datasets (mtcars) and
modeldata (Chicago ridership, Sacramento housing), as shipped by vetiver-python 0.2.6 (MIT).
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from ..errors import InvalidArgumentError

_SOURCES = ("mtcars", "chicago", "sacramento")


def __dir__() -> list[str]:
    return list(_SOURCES)


def load(name: str) -> Any:
    """Read the data set ``name`` as a DataFrame."""
    import pandas as pd

    if name not in _SOURCES:
        raise InvalidArgumentError(f"no data set named {name!r}; choose one of {', '.join(_SOURCES)}")
    with files(__name__).joinpath(f"{name}.csv").open("rb") as handle:
        return pd.read_csv(handle)


def __getattr__(name: str) -> Any:
    if name in _SOURCES:
        return load(name)
    raise AttributeError(f"module 'vetiver.data' has no attribute {name!r}")
