"""The PLUGINNAME model handler."""

from __future__ import annotations

from typing import Any, ClassVar

from vetiver.handlers.base import BaseHandler


class Handler(BaseHandler):
    """Predicts with a PLUGINNAME model from a DataFrame with the prototype's columns."""

    # The distribution of the framework, recorded (with its version) in the pin's required_pkgs.
    pip_name: ClassVar[str] = "PLUGINDIST"
    handler_name: ClassVar[str] = "PLUGINNAME"
    model_format: ClassVar[str] = "PLUGINNAME-json"
    prediction_types: ClassVar[tuple[str, ...]] = ("predict",)

    def handler_predict(self, input_data: Any, check_prototype: bool = True, **kw: Any) -> Any:
        self.check_prediction_type(kw.get("prediction_type", "predict"))
        return list(self.model.predict(input_data))
