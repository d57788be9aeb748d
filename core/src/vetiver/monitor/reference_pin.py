"""The reference profile of a model version, kept in a sibling pin of the model pin.

The profile of model pin ``NAME`` version ``V`` is a version of the JSON pin
``NAME-reference-profile`` whose metadata records ``model_version: V``. The model pin itself is
untouched (vetiver 0.2.6 and pins read it as before, and its hash stays the model's), a model
pinned without reference data has no profile and works as ever, and a profile can be added to a
version already on the board.
"""

from __future__ import annotations

from typing import Any

from ..errors import MonitorError
from .profile import ReferenceProfile, profile_frame

SUFFIX = "-reference-profile"


def profile_pin_name(model_pin_name: str) -> str:
    """The sibling pin holding ``model_pin_name``'s reference profiles."""
    return f"{model_pin_name}{SUFFIX}"


def pin_reference_profile(
    board: Any,
    name: str,
    reference_data: Any,
    *,
    version: str | None = None,
    model: Any = None,
    **profile_options: Any,
) -> ReferenceProfile:
    """Profile ``reference_data`` and store the profile with version ``version`` of model pin ``name``.

    Args:
        board: A pins board or a board URL.
        name: The model pin.
        reference_data: Training or validation rows (a DataFrame); only their profile is stored.
        version: The model version (default: the newest).
        model: The :class:`~vetiver.VetiverModel` whose predictions on the reference are
            profiled too. None reads the pinned version (pickled models need the board's
            ``allow_pickle_read``).
        **profile_options: ``n_bins``, ``n_quantiles``, ``max_levels``, ``columns`` for
            :func:`~vetiver.monitor.profile_frame`.

    Returns:
        The stored profile.
    """
    from ..storage import pinstore
    from ..storage.boards import as_board
    from .frame_pins import write_json

    board = as_board(board)
    meta = pinstore.read_meta(board, name, version)
    version = meta.version.version
    if model is None:
        from ..model import VetiverModel

        model = VetiverModel.from_pin(board, name, version)
    predictions = model.handler_predict(_model_inputs(model, reference_data), check_prototype=False)
    profile = profile_frame(reference_data, predictions, model_name=name, model_version=version, **profile_options)
    write_json(
        board, profile_pin_name(name), profile.to_dict(),
        title=f"{name}: reference profile of model version {version}",
        description=f"Reference data profile for drift monitoring of {name} version {version}",
        user={"model_name": name, "model_version": version},
    )  # fmt: skip
    return profile


def read_reference_profile(board: Any, name: str, version: str | None = None) -> ReferenceProfile | None:
    """The reference profile stored with version ``version`` (default: newest) of model pin
    ``name``, or None when that version was pinned without reference data."""
    from ..errors import PinNotFoundError
    from ..storage import pinstore
    from ..storage.boards import as_board
    from .frame_pins import read_pin

    board = as_board(board)
    version = pinstore.read_meta(board, name, version).version.version
    sibling = profile_pin_name(name)
    try:
        candidates = pinstore.list_versions(board, sibling)
    except PinNotFoundError:
        return None
    for candidate in reversed(candidates):  # the newest profile of that model version wins
        try:
            meta = pinstore.read_meta(board, sibling, candidate.version)
        except PinNotFoundError:
            continue  # not complete yet
        if (meta.user or {}).get("model_version") == version:
            return ReferenceProfile.from_dict(read_pin(board, sibling, candidate.version))
    return None


def _model_inputs(model: Any, data: Any) -> Any:
    """The reference rows restricted to the model's input columns (the data may also hold the
    target or other columns the model was not trained on)."""
    schema = model.schema if model.prototype is not None else None
    if schema is None:
        return data
    missing = [c for c in schema.names if c not in data.columns]
    if missing:
        raise MonitorError(f"reference data lacks the model's input column(s) {', '.join(map(repr, missing))}")
    return data[list(schema.names)]
