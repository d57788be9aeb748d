"""A stand-in model so the plugin works and its tests pass before it knows your framework:
least-squares linear regression on named columns. Delete it once the plugin handles real models."""

from __future__ import annotations

from typing import Any


class LinearModel:
    def __init__(self, columns: list[str], weights: list[float], intercept: float) -> None:
        self.columns, self.weights, self.intercept = list(columns), list(weights), float(intercept)

    @classmethod
    def fit(cls, frame: Any, target: Any) -> LinearModel:
        import numpy as np

        design = np.column_stack([frame.to_numpy(dtype=float), np.ones(len(frame))])
        solution = np.linalg.lstsq(design, np.asarray(target, dtype=float), rcond=None)[0]
        return cls(list(frame.columns), solution[:-1].tolist(), solution[-1])

    def predict(self, frame: Any) -> list[float]:
        values = frame[self.columns].to_numpy(dtype=float)
        return (values @ self.weights + self.intercept).tolist()

    def to_dict(self) -> dict[str, Any]:
        return {"columns": self.columns, "weights": self.weights, "intercept": self.intercept}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        return cls(data["columns"], data["weights"], data["intercept"])
