"""Which common scikit-learn estimators and pipelines the ``skops`` format stores safely, and how
long each format takes to load them (issue 9: choose the sklearn plugin's default format).

For each model: save with skops and with joblib, then load each ``REPEATS`` times and report the
median load time and file size. "round-trips" means skops saved it, ``skops.io.load`` with no
extra trusted types (skops' secure default) loaded it, and its predictions equal the original's.

Run: ``python bench/sklearn_formats/run.py`` (prints a Markdown table; about a minute).
"""

from __future__ import annotations

import io
import statistics
import sys
import time

import joblib
import numpy as np
import pandas as pd
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

REPEATS = 7


def _log1p(x):  # a user function: skops cannot trust it without being told
    return np.log1p(np.abs(x))


def models() -> list[tuple[str, object, pd.DataFrame]]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(500, 4)), columns=list("abcd"))
    y_reg = X.sum(axis=1)
    y_cls = (X["a"] > 0).astype(int)
    mixed = X.assign(kind=rng.choice(["x", "y", "z"], 500))
    column_tf = ColumnTransformer([("num", StandardScaler(), list("abcd")), ("cat", OneHotEncoder(), ["kind"])])
    return [
        ("LinearRegression", LinearRegression().fit(X, y_reg), X),
        ("Ridge", Ridge().fit(X, y_reg), X),
        ("LogisticRegression", LogisticRegression().fit(X, y_cls), X),
        ("DecisionTreeClassifier", DecisionTreeClassifier(random_state=0).fit(X, y_cls), X),
        ("RandomForestClassifier (100 trees)", RandomForestClassifier(random_state=0).fit(X, y_cls), X),
        ("GradientBoostingClassifier", GradientBoostingClassifier(random_state=0).fit(X, y_cls), X),
        ("HistGradientBoostingRegressor", HistGradientBoostingRegressor().fit(X, y_reg), X),
        ("KNeighborsClassifier", KNeighborsClassifier().fit(X, y_cls), X),
        ("SVC", SVC().fit(X, y_cls), X),
        ("Pipeline(imputer, scaler, logistic)",
         make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression()).fit(X, y_cls), X),
        ("Pipeline(ColumnTransformer(scaler, one-hot), forest)",
         make_pipeline(column_tf, RandomForestClassifier(random_state=0)).fit(mixed, y_cls), mixed),
        ("Pipeline(FunctionTransformer(user function), ridge)",
         make_pipeline(FunctionTransformer(_log1p), Ridge()).fit(X, y_reg), X),
    ]  # fmt: skip


def _median_load(load, data: bytes) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        load(data)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    print("| model | skops round-trips | untrusted types | skops load ms | joblib load ms | skops KB | joblib KB |")
    print("|---|---|---|---|---|---|---|")
    for name, model, X in models():
        buffer = io.BytesIO()
        joblib.dump(model, buffer)
        joblib_bytes = buffer.getvalue()
        joblib_ms = _median_load(lambda b: joblib.load(io.BytesIO(b)), joblib_bytes)
        skops_bytes = sio.dumps(model)
        untrusted = sio.get_untrusted_types(data=skops_bytes)
        if untrusted:
            ok, skops_ms = "no (falls back to joblib)", float("nan")
        else:
            again = sio.loads(skops_bytes)
            ok = "yes" if np.array_equal(again.predict(X), model.predict(X)) else "no (predictions differ)"
            skops_ms = _median_load(sio.loads, skops_bytes)
        print(f"| {name} | {ok} | {', '.join(untrusted) or '-'} | {skops_ms:.2f} | {joblib_ms:.2f} | "
              f"{len(skops_bytes) / 1024:.0f} | {len(joblib_bytes) / 1024:.0f} |")  # fmt: skip
    import sklearn
    import skops

    print(f"\nscikit-learn {sklearn.__version__}, skops {skops.__version__}, Python {sys.version.split()[0]}; "
          f"median of {REPEATS} loads from memory")  # fmt: skip


if __name__ == "__main__":
    main()
