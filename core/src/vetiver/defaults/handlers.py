"""Built-in handler dispatch: handler instances passed as models, and 0.2.6-style subclasses."""

from __future__ import annotations

from typing import Any

from ..handlers.base import BaseHandler
from ..hookspecs import hookimpl


@hookimpl(tryfirst=True)
def handler_for_model(model: Any, prototype_data: Any) -> BaseHandler | None:
    """A BaseHandler instance given as the model is used as is (0.2.6 custom handlers)."""
    if isinstance(model, BaseHandler):
        if model.prototype_data is None:
            model.prototype_data = prototype_data
        return model
    return None


@hookimpl(trylast=True, specname="handler_for_model")
def handler_for_model_by_declared_type(model: Any, prototype_data: Any) -> BaseHandler | None:
    """Subclasses declaring ``model_class``/``model_type`` handle instances of that type."""
    for ref in list(BaseHandler._typed_subclasses):
        cls = ref()
        if cls is None:
            continue
        try:
            declared = cls._declared_model_type()
        except ImportError:  # the framework it names is not installed
            continue
        if isinstance(declared, type) and isinstance(model, declared):
            return cls(model, prototype_data)
    return None
