"""VetiverMeta: the metadata stored with, and served for, a model."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field
from typing import Any

# Keys of VetiverMeta itself; everything else a user passes is free-form ``user`` metadata.
_RESERVED = ("user", "version", "url", "required_pkgs", "python_version")


@dataclass
class VetiverMeta:
    """Metadata of a model (0.2.6 fields).

    Attributes:
        user: Free-form metadata given by the user.
        version: The pin version the model was read from, if any.
        url: Where the pin lives when the board has URLs (Posit Connect).
        required_pkgs: Distributions needed to use the model, with the versions it was made with
            (``"scikit-learn==1.9.1"``).
        python_version: ``sys.version_info`` of the Python that made the model, as a list.
    """

    user: dict = field(default_factory=dict)
    version: str | None = None
    url: str | None = None
    required_pkgs: list = field(default_factory=list)
    python_version: tuple | list | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (the ``/metadata`` response body)."""
        data = asdict(self)
        if data["python_version"] is not None:
            data["python_version"] = list(data["python_version"])
        return data

    @classmethod
    def from_dict(cls, metadata: dict | None, pip_name: str | None = None) -> VetiverMeta:
        """Build metadata from a dict.

        Unlike 0.2.6, a dict without a ``"user"`` key is taken as user metadata *without* the
        reserved keys (``version``, ``url``, ``required_pkgs``, ``python_version``), which are
        read into their own fields instead of being folded into ``user``.
        """
        metadata = dict(metadata or {})
        if "user" in metadata:
            user = metadata.get("user") or {}
        else:
            user = {k: v for k, v in metadata.items() if k not in _RESERVED}
        required = list(metadata.get("required_pkgs") or [])
        if pip_name and not any(_dist_name(req) == _dist_name(pip_name) for req in required):
            required.append(pip_name)
        python_version = metadata.get("python_version")
        if python_version is None:
            python_version = list(sys.version_info)
        return cls(
            user=dict(user),
            version=metadata.get("version"),
            url=metadata.get("url"),
            required_pkgs=required,
            python_version=list(python_version),
        )


def _dist_name(requirement: str) -> str:
    """The normalised distribution name of a requirement string (``"Scikit_Learn==1.0"`` ->
    ``"scikit-learn"``)."""
    import re

    name = re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()
