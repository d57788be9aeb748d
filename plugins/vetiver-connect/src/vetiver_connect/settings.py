"""Content settings a model API owner tunes on Connect, checked before any request is sent."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .errors import ConnectConfigError

ACCESS_TYPES = ("all", "logged_in", "acl")


@dataclass(frozen=True)
class ContentSettings:
    """Settings of the content item serving the model; None leaves a setting as it is.

    Args:
        access_type: Who may call the API: ``"all"`` (anyone, no key), ``"logged_in"`` (any
            user's key) or ``"acl"`` (the owner, collaborators and viewers granted access).
        min_processes: Processes kept running even when idle (0 lets Connect stop them all).
        max_processes: The most processes Connect starts for the API.
        connection_timeout: Seconds a client connection may stay idle.
        read_timeout: Seconds to wait for the app to answer a request.
        init_timeout: Seconds the app may take to start (a large model loads at start).
        idle_timeout: Seconds an idle process is kept before Connect stops it.
        description: The content's description on the dashboard.
    """

    access_type: str | None = None
    min_processes: int | None = None
    max_processes: int | None = None
    connection_timeout: int | None = None
    read_timeout: int | None = None
    init_timeout: int | None = None
    idle_timeout: int | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        if self.access_type is not None and self.access_type not in ACCESS_TYPES:
            raise ConnectConfigError(f"access_type must be one of {', '.join(ACCESS_TYPES)}, got {self.access_type!r}")
        for key, value in asdict(self).items():
            if key in {"access_type", "description"} or value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConnectConfigError(f"{key} must be a whole number of at least 0, got {value!r}")
        low, high = self.min_processes, self.max_processes
        if low is not None and high is not None and low > high:
            raise ConnectConfigError(f"min_processes ({low}) cannot exceed max_processes ({high})")

    def fields(self) -> dict[str, Any]:
        """The settings that are set, as Connect's content fields."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> ContentSettings:
        """Take this class's fields out of ``options`` (a target's keyword options)."""
        names = set(cls.__dataclass_fields__)
        return cls(**{key: options.pop(key) for key in list(options) if key in names})
