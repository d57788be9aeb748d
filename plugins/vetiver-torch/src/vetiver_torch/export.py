"""Exporting modules with ``torch.export``, using the prototype as the example input."""

from __future__ import annotations

import copy
import weakref
from typing import Any

# Example inputs of modules whose handler chose the torch-export format. The format's save()
# only receives the module, so the handler leaves the example here; weak keys let modules go.
_EXAMPLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def remember_example(module: Any, example: Any) -> None:
    """Keep ``example`` (a tensor) as the input to export ``module`` with."""
    _EXAMPLES[module] = example


def remembered_example(module: Any) -> Any:
    """The example input kept for ``module``.

    Raises:
        LookupError: no handler chose the torch-export format for this module.
    """
    try:
        return _EXAMPLES[module]
    except KeyError:
        raise LookupError(
            "torch.export needs an example input; pin the module through vetiver "
            "(vetiver_pin_write), whose TorchHandler builds it from the prototype"
        ) from None


def export_module(module: Any, example: Any) -> Any:
    """The ``ExportedProgram`` of ``module`` in eval mode, with a dynamic batch dimension.

    The module is exported from a CPU copy when it lives elsewhere, so pins load on any machine,
    and its training mode is restored afterwards.
    """
    import torch

    if any(t.device.type != "cpu" for t in [*module.parameters(), *module.buffers()]):
        module = copy.deepcopy(module).cpu()
    restore_training = module.training and set_eval(module)
    try:
        batch = torch.export.Dim("batch", min=1)
        return torch.export.export(module, (example.cpu(),), dynamic_shapes=({0: batch},))
    finally:
        if restore_training:
            module.train()


def set_eval(module: Any) -> bool:
    """Put ``module`` in eval mode; False when it refuses.

    Modules loaded from torch.export archives refuse ``eval()``: their mode was fixed when they
    were exported (in eval mode, by :func:`export_module`).
    """
    try:
        module.eval()
    except NotImplementedError:
        return False
    return True
