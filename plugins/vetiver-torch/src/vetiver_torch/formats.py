"""The ``torch-export`` model format: a ``torch.export`` archive (``.pt2``) of the module.

The archive holds the traced graph and the weights, not Python code, so it loads without the
module's class, and :mod:`vetiver_torch.safe_load` loads it without running code from the file:
no pickle consent is needed. Modules that cannot be exported use vetiver's ``joblib`` format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vetiver.hookspecs import ModelFormat

EXPORT_FORMAT = "torch-export"


def _save(model: Any, path: Path) -> None:
    import torch

    from .export import export_module, remembered_example

    # Exported at save time rather than reusing the handler's trial export, so the pin holds the
    # module as it is now.
    torch.export.save(export_module(model, remembered_example(model)), str(path))


def _load(path: Path) -> Any:
    from .safe_load import load_exported_module

    return load_exported_module(path)


TORCH_EXPORT = ModelFormat(
    name=EXPORT_FORMAT,
    file_suffix=".pt2",
    save=_save,
    load=_load,
    uses_pickle=False,
    pin_type="file",
)
