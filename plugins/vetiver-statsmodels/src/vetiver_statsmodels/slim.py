"""Copies of statsmodels results without their training data, to keep pins small."""

from __future__ import annotations

import ast
import copy
import io
import pickle
import tokenize
from typing import Any

# Rows of the training frame used to check that a trimmed formula model still predicts the same.
_CHECK_ROWS = 5


def without_training_data(results: Any) -> Any:
    """A copy of ``results`` holding no more training data than prediction needs.

    ``results`` itself is left untouched. ``remove_data()`` drops every array with one entry per
    training row (endog, exog, residuals, weights...). Formula models must keep the training
    DataFrame: when unpickled, statsmodels re-runs the formula on it to rebuild the design
    (categorical levels, stateful transforms such as ``center(x)``). Its columns the formula does
    not mention, and the copies in ``orig_endog``/``orig_exog``, are dropped; a pickle round trip
    must then predict the first training rows exactly as ``results`` does, or the frame is kept
    whole.
    """
    slim = copy.deepcopy(results)
    try:
        slim.remove_data()
    except (AttributeError, NotImplementedError):  # results classes that cannot drop their data
        return slim
    data = slim.model.data
    frame = getattr(data, "frame", None)
    formula = getattr(slim.model, "formula", None)
    if formula is None or frame is None:
        return slim

    sample = frame.head(_CHECK_ROWS)
    expected = _predict(results, sample)
    kept = {name: getattr(data, name) for name in ("frame", "orig_endog", "orig_exog") if hasattr(data, name)}
    data.frame = frame[[c for c in frame.columns if str(c) in _formula_names(formula)]]
    for name in ("orig_endog", "orig_exog"):
        if getattr(data, name, None) is not None:
            setattr(data, name, getattr(data, name).iloc[:0])
    if not _round_trip_predicts(slim, sample, expected):
        for name, value in kept.items():
            setattr(data, name, value)
    return slim


def _formula_names(formula: str) -> set[str]:
    """Every identifier and string literal in a formula: a superset of the columns it uses
    (string literals cover quoted names such as ``Q("unit price")``)."""
    names = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(formula).readline):
            if token.type == tokenize.NAME:
                names.add(token.string)
            elif token.type == tokenize.STRING:
                names.add(str(ast.literal_eval(token.string)))
    except (tokenize.TokenError, ValueError, SyntaxError):
        pass  # an unusual formula: the round-trip check decides
    return names


def _predict(results: Any, sample: Any) -> Any:
    import numpy as np

    return np.asarray(results.predict(sample), dtype=float)


def _round_trip_predicts(slim: Any, sample: Any, expected: Any) -> bool:
    import numpy as np

    try:
        again = pickle.loads(pickle.dumps(slim))
        return bool(np.array_equal(_predict(again, sample), expected, equal_nan=True))
    except Exception:  # noqa: BLE001 - any failure means the trimmed copy is not usable
        return False
