"""BaseHandler: what vetiver needs to know about one kind of model, and handler dispatch."""

from __future__ import annotations

import functools
import importlib.metadata
import re
import sys
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import InvalidModelError, ModelInputError, PredictionTypeError, install_hint
from ..meta import VetiverMeta

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ..schema.types import TableSchema


class BaseHandler:
    """Wraps one model object for vetiver.

    Plugin authors subclass this for a framework and return an instance from the
    ``handler_for_model`` hook. Users may also pass an instance of their own subclass as
    ``VetiverModel(model=...)`` (0.2.6 custom-handler style); 0.2.6-style subclasses that define
    ``model_class`` (or ``model_type``) are also found by the type of the model.

    A plugin's handler answers "is this model mine?" in one way: it sets :attr:`framework` and
    :meth:`model_types`, and its ``handler_for_model`` hook returns :meth:`for_model`::

        @hookimpl
        def handler_for_model(model, prototype_data):
            from .handler import MyHandler  # a module that imports no framework

            return MyHandler.for_model(model, prototype_data)

    Class attributes:
        framework: Top-level module of the framework (``"sklearn"``): models whose class and bases
            come from elsewhere are refused without importing anything.
        pip_name: The distribution that provides the model's framework (``"scikit-learn"``).
        handler_name: Short name recorded in pins (``"sklearn"``).
        prediction_types: Names accepted as ``prediction_type`` by :meth:`handler_predict`.
        model_format: Name of the :class:`~vetiver.hookspecs.ModelFormat` used to pin the model.
        extra_pkgs: Further distributions (beyond ``pip_name``) the model needs at serve time.
    """

    framework: ClassVar[str | None] = None
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
        # Plugin handlers (with a framework) are found through their plugin's hook; only 0.2.6-style
        # subclasses are found by the type they declare.
        declares = "model_class" in cls.__dict__ or "model_type" in cls.__dict__
        if declares and cls.framework is None:
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

    # --- "is this model mine?" ------------------------------------------------------------------

    @staticmethod
    def model_types() -> tuple[type, ...]:
        """The model classes this handler serves; a plugin's handler imports its framework here
        (it is only called once :attr:`framework` matched). Default: none."""
        return ()

    @classmethod
    def for_model(cls, model: Any, prototype_data: Any = None) -> BaseHandler | None:
        """A handler for ``model`` when this class serves it, else None.

        "Not mine" is decided without importing anything unless :attr:`framework` is among the
        top-level modules of the model's class and its bases; only then is ``model`` checked
        against :meth:`model_types`, which may import the framework.
        """
        if cls.framework is None or cls.framework not in model_type_modules(model):
            return None
        if not isinstance(model, cls.model_types()):
            return None
        return cls(model, prototype_data)

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
        pinned = self.required_pkgs()
        # 0.2.6's shape: names (kept as the user wrote them), the handler's added unless listed:
        # the pip name unless an entry contains it (0.2.6's test), extra packages unless an entry
        # names that distribution ("onnx" is not listed by "onnxruntime").
        for index, name in enumerate(_dist(r) for r in pinned):
            if index == 0 and self.pip_name:
                present = any(name in str(req) for req in meta.required_pkgs)
            else:
                present = any(_dist(str(req)) == name for req in meta.required_pkgs)
            if not present:
                meta.required_pkgs.append(name)
        # Exact versions for requirements files: the handler's pins; a bare name the user listed
        # pinned to the installed version; anything else the user wrote, as written.
        handler_pins = {_dist(r): r for r in pinned}
        known = {_dist(req) for req in meta.pinned_pkgs}
        for req in [*map(str, meta.required_pkgs), *pinned]:
            dist = _dist(req)
            if dist not in known:
                known.add(dist)
                bare = re.fullmatch(r"[A-Za-z0-9._-]+", req.strip()) is not None
                meta.pinned_pkgs.append(handler_pins.get(dist) or (pinned_requirement(req.strip()) if bare else req))
        return meta

    # --- prototype -----------------------------------------------------------------------------

    def construct_prototype(self) -> Any:
        """The input prototype (a pydantic model class) built from ``prototype_data``, or None."""
        from ..schema.infer import vetiver_create_prototype

        return vetiver_create_prototype(self.prototype_data)

    @functools.cached_property
    def schema(self) -> TableSchema | None:
        """The lossless schema of ``prototype_data`` (None without a prototype)."""
        from ..schema.infer import infer_schema

        return infer_schema(self.prototype_data)

    @property
    def column_names(self) -> list[str] | None:
        """The prototype's column names, in order (None without a prototype)."""
        return self.schema.names if self.schema is not None else None

    # --- request data as model input -------------------------------------------------------------

    def as_frame(
        self, input_data: Any, columns: Sequence[str] | None = None, *, select: bool = True, dtype: Any = None
    ) -> pd.DataFrame:
        """Request data as a DataFrame.

        A DataFrame is taken as it is, a dict as one row, a list of dicts as rows; rows given as
        lists or an array (of ``dtype``) get ``columns`` as names. ``columns`` defaults to
        :attr:`column_names`. With ``select`` the result has exactly ``columns``, in that order.

        Raises:
            ModelInputError: with ``select``, columns are missing or rows have another width.
        """
        import numpy as np
        import pandas as pd

        names = list(columns) if columns is not None else self.column_names
        if isinstance(input_data, pd.DataFrame):
            frame = input_data
        elif isinstance(input_data, dict):
            frame = pd.DataFrame([input_data])
        elif isinstance(input_data, list) and input_data and isinstance(input_data[0], dict):
            frame = pd.DataFrame(input_data)
        else:
            rows = _rows(np.asarray(input_data, dtype=dtype))
            if names is not None and rows.shape[1] != len(names):
                if select:
                    raise ModelInputError(_width_message(rows.shape[1], names))
                return pd.DataFrame(rows)
            return pd.DataFrame(rows, columns=names)
        if names is None or not select:
            return frame
        missing = [name for name in names if name not in frame.columns]
        if missing:
            raise ModelInputError(f"input is missing the model's columns {missing}")
        return frame[names]

    def as_array(self, input_data: Any, dtype: Any = None, columns: Sequence[str] | None = None) -> np.ndarray:
        """Request data as a writable 2-D array of ``dtype``, columns in the order of ``columns``
        (default :attr:`column_names`): frames and records by name, rows as given.

        Raises:
            ModelInputError: columns are missing or rows have another width.
        """
        import numpy as np
        import pandas as pd

        names = list(columns) if columns is not None else self.column_names
        if isinstance(input_data, (pd.DataFrame, dict)) or (
            isinstance(input_data, list) and input_data and isinstance(input_data[0], dict)
        ):
            input_data = self.as_frame(input_data, names)
        rows = _rows(np.array(input_data, dtype=dtype))  # a copy: torch warns on read-only buffers
        if names is not None and rows.shape[1] != len(names):
            raise ModelInputError(_width_message(rows.shape[1], names))
        return rows

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

    def available_prediction_types(self) -> tuple[str, ...]:
        """The :attr:`prediction_types` this particular model offers (a regressor has no
        ``predict_proba``); the others are refused with a ``PredictionTypeError``. Default: all."""
        return tuple(self.prediction_types)

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
        f"install the plugin that handles it: {install_hint(hint)}"
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


def _rows(values: np.ndarray) -> np.ndarray:
    """One row for a flat sequence, else the 2-D array as it is."""
    return values.reshape(1, -1) if values.ndim == 1 else values


def _width_message(width: int, names: Sequence[str]) -> str:
    return f"rows have {width} values; the model takes {len(names)} features {list(names)}"


def model_type_modules(model: Any) -> Sequence[str]:
    """Top-level module names of the model's class and its bases: a cheap "is it mine?" test
    that needs no framework import."""
    return [cls.__module__.split(".")[0] for cls in type(model).__mro__ if cls.__module__]


def module_loaded(name: str) -> bool:
    """True when ``name`` is already imported (a model of that framework may exist)."""
    return name in sys.modules
