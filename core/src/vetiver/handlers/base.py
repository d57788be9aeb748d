"""BaseHandler: what vetiver needs to know about one kind of model, and handler dispatch."""

from __future__ import annotations

import importlib.metadata
import sys
import weakref
from collections.abc import Sequence
from typing import Any, ClassVar

from ..errors import InvalidModelError, PredictionTypeError
from ..meta import VetiverMeta


class BaseHandler:
    """Wraps one model object for vetiver.

    Plugin authors subclass this for a framework and return an instance from the
    ``handler_for_model`` hook. Users may also pass an instance of their own subclass as
    ``VetiverModel(model=...)`` (0.2.6 custom-handler style); 0.2.6-style subclasses that define
    ``model_class`` (or ``model_type``) are also found by the type of the model.

    Class attributes:
        pip_name: The distribution that provides the model's framework (``"scikit-learn"``).
        handler_name: Short name recorded in pins (``"sklearn"``).
        prediction_types: Names accepted as ``prediction_type`` by :meth:`handler_predict`.
        model_format: Name of the :class:`~vetiver.hookspecs.ModelFormat` used to pin the model.
        extra_pkgs: Further distributions (beyond ``pip_name``) the model needs at serve time.
    """

    pip_name: ClassVar[str | None] = None
    handler_name: ClassVar[str] = "custom"
    prediction_types: ClassVar[tuple[str, ...]] = ("predict",)
    model_format: ClassVar[str] = "joblib"
    extra_pkgs: ClassVar[tuple[str, ...]] = ()

    # 0.2.6-style subclasses with model_class/model_type, newest first (weak: classes may go away).
    _typed_subclasses: ClassVar[list[weakref.ref]] = []

    def __init__(self, model: Any, prototype_data: Any = None) -> None:
        self.model = model
        self.prototype_data = prototype_data

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "model_class" in cls.__dict__ or "model_type" in cls.__dict__:
            BaseHandler._typed_subclasses.insert(0, weakref.ref(cls))

    @classmethod
    def _declared_model_type(cls) -> type | None:
        """The model type a 0.2.6-style subclass declares (``model_class`` or ``model_type``)."""
        for attribute in ("model_class", "model_type"):
            declared = cls.__dict__.get(attribute)
            if declared is None:
                continue
            if isinstance(declared, (staticmethod, classmethod)):
                declared = getattr(cls, attribute)
            return declared() if callable(declared) and not isinstance(declared, type) else declared
        return None

    # --- description and metadata ---------------------------------------------------------------

    def describe(self) -> str:
        """A one-line description (0.2.6 wording: ``"A scikit-learn LinearRegression model"``)."""
        # 0.2.6 wording; without a pip name 0.2.6 left a double space, which we drop.
        words = ["A", self.pip_name, type(self.model).__qualname__, "model"]
        return " ".join(word for word in words if word)

    def required_pkgs(self) -> list[str]:
        """Distributions the model needs, pinned to the installed versions where installed."""
        names = [self.pip_name, *self.extra_pkgs] if self.pip_name else list(self.extra_pkgs)
        return [pinned_requirement(name) for name in names if name]

    def create_meta(self, metadata: dict | None = None) -> VetiverMeta:
        """Build the model's :class:`VetiverMeta`, adding :meth:`required_pkgs`."""
        meta = VetiverMeta.from_dict(metadata)
        known = {_dist(req) for req in meta.required_pkgs}
        meta.required_pkgs.extend(r for r in self.required_pkgs() if _dist(r) not in known)
        return meta

    # --- prototype -----------------------------------------------------------------------------

    def construct_prototype(self) -> Any:
        """The input prototype (a pydantic model class) built from ``prototype_data``, or None."""
        from ..schema.infer import vetiver_create_prototype

        return vetiver_create_prototype(self.prototype_data)

    # --- serving -------------------------------------------------------------------------------

    def handler_startup(self) -> None:
        """Called once when an API serving this model starts (warm-up, attaching packages)."""

    def handler_predict(self, input_data: Any, check_prototype: bool = True, **kw: Any) -> Any:
        """Predict for ``input_data`` (a DataFrame when a prototype is checked).

        ``kw`` may carry ``prediction_type``, one of :attr:`prediction_types`. Returns a list, an
        array, a Series or a DataFrame.
        """
        prediction_type = kw.get("prediction_type", "predict")
        self.check_prediction_type(prediction_type)
        method = getattr(self.model, prediction_type)
        result = method(input_data)
        return result.tolist() if hasattr(result, "tolist") else result

    def accepts_array(self, columns: Sequence[str]) -> bool:
        """Whether :meth:`handler_predict` may receive a validated 2-D numpy array whose columns
        are ``columns`` (the prototype's, in order) instead of a DataFrame. The server then skips
        building the frame. Default: no."""
        return False

    def check_prediction_type(self, prediction_type: str) -> None:
        """Raise ``ValueError`` naming the valid choices if ``prediction_type`` is not one."""
        if prediction_type not in self.prediction_types:
            raise PredictionTypeError(
                f"prediction type {prediction_type!r} is not available for "
                f"{type(self.model).__qualname__}; choose one of {', '.join(self.prediction_types)}"
            )


Handler = BaseHandler  # 0.2.6 alias


def create_handler(model: Any, prototype_data: Any = None) -> BaseHandler:
    """Return the handler for ``model`` from the installed handler plugins (0.2.6 name).

    Raises:
        InvalidModelError: no installed plugin handles the model's type; the message names the
            type and the plugin to install when vetiver knows it.
    """
    from .. import plugins

    failed_before = len(plugins.failures())
    handler = plugins.handler_for_model(model, prototype_data)
    if handler is None:
        # A plugin that raised while asked may well be the one meant for this model: say so.
        raised = "".join(
            f"; plugin {f.entry_point!r} ({f.distribution}) failed while checking it: {f.error}"
            for f in plugins.failures()[failed_before:]
        )
        raise InvalidModelError(_unhandled_message(model) + raised)
    return handler


# Framework module roots and the plugin that handles them, for install hints.
_KNOWN_PLUGINS = {
    "sklearn": "vetiver-sklearn",
    "lightgbm": "vetiver-sklearn",
    "xgboost": "vetiver-xgboost",
    "torch": "vetiver-torch",
    "statsmodels": "vetiver-statsmodels",
}


def _unhandled_message(model: Any) -> str:
    model_type = type(model)
    module = model_type.__module__ or ""
    roots = [c.__module__.split(".")[0] for c in model_type.__mro__ if c.__module__]
    hint = next((_KNOWN_PLUGINS[r] for r in [module.split(".")[0], *roots] if r in _KNOWN_PLUGINS), None)
    advice = (
        f"install the plugin that handles it: pip install {hint}"
        if hint
        else "install a vetiver handler plugin for it, or pass a BaseHandler subclass instance "
        "as the model (see docs/plugin-hooks.md)"
    )
    return f"no vetiver handler for model type {module}.{model_type.__qualname__}; {advice}"


def pinned_requirement(name: str) -> str:
    """``"name==<installed version>"``, or the bare name when the distribution is not installed."""
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return name
    # A local label ("2.13.0+cpu") names a build no index serves; the public version does.
    return f"{name}=={version.split('+', 1)[0]}"


def _dist(requirement: str) -> str:
    from ..meta import _dist_name

    return _dist_name(requirement)


def model_type_modules(model: Any) -> Sequence[str]:
    """Top-level module names of the model's class and its bases: a cheap "is it mine?" test
    that needs no framework import."""
    return [cls.__module__.split(".")[0] for cls in type(model).__mro__ if cls.__module__]


def module_loaded(name: str) -> bool:
    """True when ``name`` is already imported (a model of that framework may exist)."""
    return name in sys.modules
