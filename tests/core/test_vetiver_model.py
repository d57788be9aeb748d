"""VetiverModel, VetiverMeta and handler dispatch (0.2.6 compatible, its bugs fixed)."""

from __future__ import annotations

import sys
import warnings

import pandas as pd
import pytest

import vetiver
from vetiver import VetiverMeta
from vetiver.errors import InvalidModelError
from vetiver.handlers.base import BaseHandler
from vetiver_example import MeanModel


def test_defaults_follow_0_2_6():
    model = vetiver.VetiverModel(MeanModel(1.0), "mean")
    assert model.model_name == "mean"
    assert model.description == "A vetiver-example MeanModel model"
    assert model.prototype is None and model.schema is None
    assert model.metadata.user == {}
    assert model.metadata.version is None
    assert model.metadata.python_version == list(sys.version_info)
    assert model.metadata.required_pkgs == ["vetiver-example==0.1.0"]
    assert model.handler_predict(pd.DataFrame({"x": [1.0]})) == [1.0]


def test_prototype_and_description_arguments():
    frame = pd.DataFrame({"x": [1.5, 2.5]})
    model = vetiver.VetiverModel(MeanModel(1.0), "mean", prototype_data=frame, description="mine")
    assert model.description == "mine"
    assert list(model.prototype.model_fields) == ["x"]
    assert model.schema.columns[0].kind == "number"


def test_ptype_data_is_deprecated_but_works():
    with pytest.warns(DeprecationWarning, match="prototype_data"):
        model = vetiver.VetiverModel(MeanModel(), "m", ptype_data=pd.DataFrame({"x": [1.0]}))
    assert list(model.prototype.model_fields) == ["x"]


def test_unknown_arguments_and_missing_model_are_errors():
    with pytest.raises(TypeError, match="unexpected arguments: colour"):
        vetiver.VetiverModel(MeanModel(), "m", colour="red")
    with pytest.raises(ValueError, match="needs a model"):
        vetiver.VetiverModel(None, "m")


def test_metadata_reserved_keys_are_not_folded_into_user():
    """0.2.6 put the whole dict, reserved keys included, into ``user``."""
    meta = VetiverMeta.from_dict({"team": "a", "version": "1", "required_pkgs": ["x"]})
    assert meta.user == {"team": "a"}
    assert meta.version == "1" and meta.required_pkgs == ["x"]
    assert VetiverMeta.from_dict({"user": {"team": "b"}}).user == {"team": "b"}
    assert VetiverMeta.from_dict({}, pip_name="scikit-learn").required_pkgs == ["scikit-learn"]
    assert VetiverMeta.from_dict({"required_pkgs": ["scikit_learn==1"]}, pip_name="scikit-learn").required_pkgs == [
        "scikit_learn==1"
    ]
    assert VetiverMeta().to_dict() == {
        "user": {},
        "version": None,
        "url": None,
        "required_pkgs": [],
        "python_version": None,
    }


def test_unhandled_model_names_type_and_plugin_to_install():
    class Thing:
        pass

    with pytest.raises(
        InvalidModelError, match=r"no vetiver handler for model type .*Thing; install a vetiver handler"
    ):
        vetiver.VetiverModel(Thing(), "t")


def test_known_framework_without_plugin_suggests_it():
    from vetiver.handlers.base import _unhandled_message

    class Booster:
        __module__ = "xgboost.core"

    assert "pip install vetiver-xgboost" in _unhandled_message(Booster())


def test_handler_instance_as_model():
    """0.2.6's documented custom-handler style: pass a BaseHandler instance as the model."""

    class Doubler(BaseHandler):
        pip_name = "my-pkg"

        def handler_predict(self, input_data, check_prototype=True, **kw):
            return [2 * v for v in input_data["x"]]

    model = vetiver.VetiverModel(Doubler(object()), "d", prototype_data=pd.DataFrame({"x": [1]}))
    assert model.handler_predict(pd.DataFrame({"x": [3]})) == [6]
    assert model.metadata.required_pkgs == ["my-pkg"]
    assert list(model.prototype.model_fields) == ["x"]


@pytest.mark.parametrize("attribute", ["model_class", "model_type"])
def test_subclass_declaring_its_model_type_is_found(attribute):
    """0.2.6 registered ``model_class`` but documented ``model_type``; both work."""

    class Widget:
        def predict(self, frame):
            return [0] * len(frame)

    handler_cls = type("WidgetHandler", (BaseHandler,), {attribute: staticmethod(lambda: Widget)})
    model = vetiver.VetiverModel(Widget(), "w")
    assert isinstance(model.handler, handler_cls)


def test_prediction_type_is_checked():
    model = vetiver.VetiverModel(MeanModel(), "m")
    with pytest.raises(ValueError, match="choose one of predict"):
        model.handler_predict(pd.DataFrame({"x": [1]}), prediction_type="predict_proba")


def test_repr():
    with warnings.catch_warnings():
        assert "model_name='m'" in repr(vetiver.VetiverModel(MeanModel(), "m"))
