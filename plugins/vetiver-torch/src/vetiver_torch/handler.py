"""The PyTorch ``nn.Module`` handler."""

from __future__ import annotations

import functools
import os
import threading
import warnings
from typing import Any, ClassVar

from vetiver.errors import ModelOutputError
from vetiver.handlers.base import BaseHandler

DEVICE_ENV = "VETIVER_TORCH_DEVICE"
"""Environment variable choosing the device of served modules (``cpu`` when unset)."""

PICKLE_FORMAT = "joblib"


class ExportFallbackWarning(UserWarning):
    """A module could not be exported, so it is pinned as a pickle that needs consent to read."""


class TorchHandler(BaseHandler):
    """Handles ``torch.nn.Module`` models taking a rows x features tensor.

    The prototype (a 2-D numpy array, a DataFrame or a 2-D tensor) gives the input's columns and
    dtype: see :func:`vetiver_torch.inputs.input_dtype`. Predictions run in eval mode under
    ``torch.no_grad()`` on ``device``, and are returned as nested lists (one list per row).

    Args:
        model: The module.
        prototype_data: Example input data.
        device: Where to run the module; defaults to ``$VETIVER_TORCH_DEVICE``, else ``"cpu"``.
        batch_invariant: Run the module on one row at a time, so a row's prediction never depends
            on the other rows of a request (batched matrix products round differently from
            single-row ones). ``False`` runs a request as one batch: faster, and equal up to
            floating-point rounding.

    Pinning uses ``torch.export`` with the prototype as the example input when the module
    allows it, else a joblib pickle; :attr:`export_error` says why export failed.
    """

    pip_name: ClassVar[str] = "torch"
    handler_name: ClassVar[str] = "torch"
    prediction_types: ClassVar[tuple[str, ...]] = ("predict",)

    def __init__(
        self, model: Any, prototype_data: Any = None, *, device: str | None = None, batch_invariant: bool = True
    ) -> None:
        if hasattr(prototype_data, "detach"):  # a tensor: the prototype machinery reads numpy
            prototype_data = prototype_data.detach().cpu().numpy()
        super().__init__(model, prototype_data)
        self.device = device or os.environ.get(DEVICE_ENV) or "cpu"
        self.batch_invariant = batch_invariant
        self.export_error: str | None = None
        self._format: str | None = None
        self._placed = False
        self._lock = threading.Lock()

    # --- input ---------------------------------------------------------------------------------
    # Computed on first use, not in __init__: an exception raised while the handler hook builds
    # the handler would count as a broken plugin; construct_prototype reports it to the user.

    @functools.cached_property
    def schema(self) -> Any:
        """The prototype's :class:`~vetiver.prototype.TableSchema`, or None."""
        from vetiver.prototype import infer_schema

        return infer_schema(self.prototype_data)

    @functools.cached_property
    def input_dtype(self) -> Any:
        """The numpy dtype requests are converted to (see :func:`vetiver_torch.inputs.input_dtype`)."""
        from .inputs import input_dtype

        return input_dtype(self.schema, self.model)

    def construct_prototype(self) -> Any:
        """The prototype class; raises ``ValueError`` for prototypes a module cannot take."""
        self.input_dtype  # noqa: B018 - validates the prototype's columns
        return super().construct_prototype()

    # --- pinning -------------------------------------------------------------------------------

    @property
    def model_format(self) -> str:  # type: ignore[override]
        """``"torch-export"`` when the module exports with the prototype as example input, else
        ``"joblib"`` (decided once, on first use)."""
        if self._format is None:
            self._format = self._choose_format()
        return self._format

    def _choose_format(self) -> str:
        from .formats import EXPORT_FORMAT

        if self.schema is None:
            reason = "the model has no prototype to use as the example input"
        else:
            import torch

            from .export import export_module, remember_example
            from .inputs import example_rows

            example = torch.from_numpy(example_rows(self.schema, self.input_dtype))
            try:
                export_module(self.model, example)
            except Exception as error:  # noqa: BLE001 - any export failure means "use pickle"
                reason = f"torch.export failed: {type(error).__name__}: {str(error).strip().splitlines()[0]}"
            else:
                remember_example(self.model, example)
                return EXPORT_FORMAT
        self.export_error = reason
        warnings.warn(
            f"{type(self.model).__name__} will be pinned as a pickle, which needs pickle consent to read, "
            f"because {reason}",
            ExportFallbackWarning,
            stacklevel=3,
        )
        return PICKLE_FORMAT

    # --- description ---------------------------------------------------------------------------

    def describe(self) -> str:
        """``"A torch Net model"`` (by class name: modules loaded from export archives have a
        generated class whose qualified name is unreadable)."""
        return f"A torch {type(self.model).__name__} model"

    # --- serving -------------------------------------------------------------------------------

    def handler_startup(self) -> None:
        """Move the module to its device and into eval mode before the first request."""
        self._place()

    def handler_predict(self, input_data: Any, check_prototype: bool = True, **kw: Any) -> Any:
        """Predict for ``input_data``: a DataFrame with the prototype's columns or, without a
        prototype check, records (dicts) or rows (lists). Returns one list per row."""
        import torch

        from .inputs import as_rows

        self.check_prediction_type(kw.get("prediction_type", "predict"))
        names = self.schema.names if self.schema is not None else None
        batch = torch.from_numpy(as_rows(input_data, names, self.input_dtype)).to(self.device)
        if batch.shape[0] == 0:
            return []
        module = self._place()
        with torch.no_grad():
            if self.batch_invariant:
                output = torch.cat([_single_tensor(module(row)) for row in batch.split(1)])
            else:
                output = _single_tensor(module(batch))
        return output.cpu().tolist()

    def _place(self) -> Any:
        """The module on ``device`` in eval mode (done once)."""
        from .export import set_eval

        with self._lock:
            if not self._placed:
                self.model.to(self.device)
                set_eval(self.model)
                self._placed = True
        return self.model


def _single_tensor(output: Any) -> Any:
    import torch

    if not isinstance(output, torch.Tensor):
        raise ModelOutputError(
            f"TorchHandler serves modules returning one tensor; this one returned {type(output).__name__}"
        )
    return output
