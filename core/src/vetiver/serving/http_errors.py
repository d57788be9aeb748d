"""The exception :func:`vetiver.predict` raises for HTTP error statuses.

vetiver 0.2.6 sent requests with ``requests`` and raised ``requests.exceptions.HTTPError``; this
client uses httpx. :class:`PredictHTTPError` is caught by all three of ``except VetiverError``,
``except httpx.HTTPStatusError`` and, when ``requests`` is installed, ``except
requests.exceptions.HTTPError``, so 0.2.6 code keeps working. The class is built on first use:
``import vetiver`` imports neither httpx nor requests.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, cast

from ..errors import VetiverError

if TYPE_CHECKING:
    import httpx


@functools.cache
def predict_http_error() -> type[httpx.HTTPStatusError]:
    """The ``PredictHTTPError`` class (deriving from ``requests.exceptions.HTTPError`` too when
    requests is importable). Typed as its httpx base, whose constructor it shares:
    ``(message, *, request, response)``."""
    import httpx

    bases: list[type] = [VetiverError, httpx.HTTPStatusError]
    try:
        import requests.exceptions
    except ImportError:
        pass
    else:
        bases.append(requests.exceptions.HTTPError)

    def __init__(self: Any, message: str, *, request: Any, response: Any) -> None:
        # Neither base's __init__: httpx's requires keywords requests' lacks and vice versa.
        Exception.__init__(self, message)
        self.request = request
        self.response = response

    made = type("PredictHTTPError", tuple(bases), {"__init__": __init__, "__module__": __name__,
                                                   "__doc__": "An HTTP error status from vetiver.predict."})  # fmt: skip
    return cast("type[httpx.HTTPStatusError]", made)
