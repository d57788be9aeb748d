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
        required_pkgs: Distributions needed to use the model, as vetiver 0.2.6 wrote them: names
            (``"scikit-learn"``), plus whatever the user's metadata listed, as written.
        python_version: ``sys.version_info`` of the Python that made the model, as a list.
        pinned_pkgs: The same distributions pinned to the versions the model was made with
            (``"scikit-learn==1.9.1"``): what deploy targets write into requirements files. Not
            part of 0.2.6's ``/metadata`` body.
    """

    user: dict = field(default_factory=dict)
    version: str | None = None
    url: str | None = None
    required_pkgs: list = field(default_factory=list)
    python_version: tuple | list | None = None
    pinned_pkgs: list = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict with 0.2.6's keys (the ``/metadata`` response body)."""
        data = {key: value for key, value in asdict(self).items() if key in _RESERVED}
        if data["python_version"] is not None:
            data["python_version"] = list(data["python_version"])
        return data

    @classmethod
    def from_dict(cls, metadata: dict | None, pip_name: str | None = None) -> VetiverMeta:
        """Build metadata from a dict, as 0.2.6 did.

        Without a ``"user"`` key the whole dict is the user metadata, exactly as written; its
        ``required_pkgs`` (and ``version``, ``url``, ``python_version``) are read into their
        fields as well. ``pip_name`` is added to ``required_pkgs`` unless an entry contains it.
        """
        metadata = dict(metadata or {})
        user = metadata.get("user", metadata)  # 0.2.6: no "user" key means the whole dict
        required = list(metadata.get("required_pkgs") or [])
        if pip_name and not any(pip_name in str(req) for req in required):
            required.append(pip_name)
        python_version = metadata.get("python_version")
        if python_version is None:
            python_version = list(sys.version_info)
        return cls(
            user=dict(user or {}),
            version=metadata.get("version"),
            url=metadata.get("url"),
            required_pkgs=required,
            python_version=list(python_version),
            pinned_pkgs=list(metadata.get("pinned_pkgs") or []),
        )


def _dist_name(requirement: str) -> str:
    """The normalised distribution name of a requirement string (``"Scikit_Learn==1.0"`` ->
    ``"scikit-learn"``)."""
    import re

    name = re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()
