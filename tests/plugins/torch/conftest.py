"""PyTorch modules and their data: rows x features float32 arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

FEATURES = 4


class MLP(torch.nn.Module):
    """A small regressor with dropout, so eval mode matters."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = torch.nn.Linear(FEATURES, 16)
        self.dropout = torch.nn.Dropout(0.5)
        self.out = torch.nn.Linear(16, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.dropout(torch.relu(self.hidden(x))))


def columns() -> list[str]:
    """Column names vetiver gives a numpy prototype."""
    return [str(i) for i in range(FEATURES)]


def eval_rows(module: torch.nn.Module, rows: np.ndarray) -> list:
    """What the handler must return: the module in eval mode, one row at a time, without grad."""
    module.eval()
    with torch.no_grad():
        return [module(torch.tensor(rows[i : i + 1])).tolist()[0] for i in range(len(rows))]


@pytest.fixture
def features() -> np.ndarray:
    return np.random.default_rng(3).normal(size=(40, FEATURES)).astype(np.float32)


@pytest.fixture
def mlp() -> MLP:
    torch.manual_seed(0)
    return MLP()


@pytest.fixture
def sample(features) -> pd.DataFrame:
    return pd.DataFrame(features[10:22], columns=columns())
