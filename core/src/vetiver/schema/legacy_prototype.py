"""``GET /prototype`` exactly as vetiver 0.2.6 answered it.

0.2.6 served its pydantic prototype's ``model_json_schema()`` with each property's ``title``
removed: ``{"properties": {"B": {"example": 47, "type": "integer"}, ...}, "required": [...],
"title": "prototype", "type": "object"}``, the title being a custom pydantic class's own. Clients
written against 0.2.6 compare or parse that body, so it is what ``/prototype`` answers. The
lossless schema (``x-vetiver-kind``, ``x-vetiver-dtype``, ``x-vetiver-ordered``: exact dtypes,
category levels, date-times) stays in the pin and is served in the OpenAPI document
(``components.schemas.prototype``) and at ``GET /prototype?format=lossless``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_TITLE = "prototype"


def prototype_title(prototype_data: Any) -> str:
    """The title 0.2.6 showed for a prototype: a custom pydantic class's (or a stored schema's)
    own title, else ``"prototype"``."""
    from pydantic import BaseModel

    cls = prototype_data if isinstance(prototype_data, type) else type(prototype_data)
    if issubclass(cls, BaseModel):
        return str(cls.model_json_schema().get("title") or DEFAULT_TITLE)
    if isinstance(prototype_data, Mapping) and isinstance(prototype_data.get("title"), str):
        return prototype_data["title"]  # a /prototype or lossless schema, as stored in a pin
    return DEFAULT_TITLE


def legacy_prototype_json(prototype: Any, title: str = DEFAULT_TITLE) -> dict[str, Any]:
    """0.2.6's ``/prototype`` body for a pydantic prototype class (as :class:`VetiverModel`
    holds it): its JSON schema without per-property titles, under ``title``."""
    schema = prototype.model_json_schema()
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
    schema["title"] = title
    return schema
