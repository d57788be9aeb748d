"""The ``skops`` model format: scikit-learn models without pickle, through skops' secure persistence.

``skops.io`` stores an estimator as a zip of JSON and arrays, and loading builds only the types
it trusts (plain numpy, scipy and scikit-learn types by default); a file naming any other type is
refused, so reading a pin in this format runs no code from the file and needs no pickle consent.
Not every model is representable that way (tree-based estimators and user functions, for
example: see ``docs/plugins/sklearn.md``); :func:`untrusted_types` tells beforehand, and the
handler then falls back to joblib with a warning saying why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vetiver.errors import PinError
from vetiver.hookspecs import ModelFormat

NAME = "skops"


def _skops_io() -> Any:
    try:
        import skops.io
    except ModuleNotFoundError as error:
        raise PinError("the skops model format needs skops: pip install 'vetiver-sklearn[skops]'") from error
    return skops.io


def untrusted_types(model: Any) -> list[str]:
    """Types in ``model`` that skops would refuse to load by default (empty: the format fits).

    Raises:
        PinError: skops is not installed.
    """
    sio = _skops_io()
    try:
        return list(sio.get_untrusted_types(data=sio.dumps(model)))
    except Exception as error:  # noqa: BLE001 - skops cannot even write it
        return [f"{type(model).__qualname__} ({type(error).__name__}: {error})"]


def _save(model: Any, path: Path) -> None:
    _skops_io().dump(model, path)


def _load(path: Path) -> Any:
    sio = _skops_io()
    untrusted = sio.get_untrusted_types(file=path)
    if untrusted:  # checked before anything is built from the file
        raise PinError(
            f"the skops file names types skops does not trust by default ({', '.join(untrusted)}); it was not loaded"
        )
    return sio.load(path, trusted=None)  # only skops' default trusted types


SKOPS = ModelFormat(
    name=NAME,
    file_suffix=".skops",
    save=_save,
    load=_load,
    uses_pickle=False,
    pin_type="file",
    packages=("skops",),
)
