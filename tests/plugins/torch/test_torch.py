"""The torch plugin: inference mode, input dtype and shape, devices, export and pickle formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pins
import pytest
import torch

from tests.plugins.torch.conftest import MLP, columns, eval_rows
from vetiver import VetiverAPI, VetiverModel, vetiver_pin_write
from vetiver.errors import PickleConsentError
from vetiver.testing import post_in_process
from vetiver_torch.handler import DEVICE_ENV, ExportFallbackWarning, TorchHandler

# --- inference ----------------------------------------------------------------------------------


def test_predictions_run_in_eval_mode_without_grad(mlp, features):
    grad_enabled = []
    mlp.register_forward_hook(lambda *_: grad_enabled.append(torch.is_grad_enabled()))
    mlp.train()  # dropout would make predictions random
    handler = TorchHandler(mlp, features[:2])
    first = handler.handler_predict(features[:5])
    assert handler.handler_predict(features[:5]) == first
    assert first == eval_rows(mlp, features[:5])
    assert grad_enabled and not any(grad_enabled)


def test_one_row_and_a_batch_give_identical_results(mlp, features):
    handler = TorchHandler(mlp, features[:2])
    batch = handler.handler_predict(features)
    assert [handler.handler_predict(features[i : i + 1])[0] for i in range(len(features))] == batch
    # One forward pass for the whole batch: the same up to rounding.
    batched = TorchHandler(mlp, features[:2], batch_invariant=False)
    assert np.allclose(batched.handler_predict(features), batch, rtol=1e-5, atol=1e-6)


def test_input_dtype_and_width_come_from_the_prototype(mlp, features):
    assert TorchHandler(mlp, features[:2]).input_dtype == np.float32
    # float64 data for a float32 module follows the module (0.2.6 pins lost float32)
    frame64 = pd.DataFrame(features.astype(np.float64), columns=list("abcd"))
    assert TorchHandler(mlp, frame64).input_dtype == np.float32
    double = MLP().double()
    handler = TorchHandler(double, features[:2].astype(np.float64))
    assert handler.input_dtype == np.float64
    assert handler.handler_predict(features[:3]) == eval_rows(double, features[:3].astype(np.float64))
    with pytest.raises(ValueError, match="takes 4"):
        handler.handler_predict([[1.0, 2.0]], check_prototype=False)


def test_integer_prototypes_feed_embeddings():
    torch.manual_seed(1)
    embedding = torch.nn.Sequential(torch.nn.Embedding(10, 3), torch.nn.Flatten(), torch.nn.Linear(6, 1))
    ids = np.array([[1, 2], [3, 4]], dtype=np.int64)
    v = VetiverModel(embedding, "emb", prototype_data=ids)
    assert v.handler.input_dtype == np.int64
    response = post_in_process(VetiverAPI(v).app, "/predict", [{"0": 5, "1": 9}])
    assert response.json()["predict"] == eval_rows(embedding, np.array([[5, 9]]))
    assert v.handler.model_format == "torch-export"


def test_prototypes_from_dataframes_and_tensors(mlp, features):
    named = pd.DataFrame(features, columns=["w", "x", "y", "z"])
    v = VetiverModel(mlp, "named", prototype_data=named.head(2))
    shuffled = named[["z", "y", "x", "w"]].head(4)
    assert v.handler_predict(shuffled) == eval_rows(mlp, features[:4])
    from_tensor = VetiverModel(mlp, "tensor", prototype_data=torch.from_numpy(features[:2]))
    assert from_tensor.schema.names == columns()
    assert from_tensor.handler.input_dtype == np.float32
    with pytest.raises(ValueError, match="not numeric"):
        VetiverModel(mlp, "text", prototype_data=named.head(2).assign(w=["a", "b"]))


def test_requests_without_a_prototype_check_take_rows_or_records(mlp, features):
    handler = TorchHandler(mlp, features[:2])
    expected = eval_rows(mlp, features[:2])
    assert handler.handler_predict(features[:2].tolist(), check_prototype=False) == expected
    records = pd.DataFrame(features[:2], columns=columns()).to_dict("records")
    assert handler.handler_predict(records, check_prototype=False) == expected
    assert handler.handler_predict(pd.DataFrame(features[:0], columns=columns())) == []


# --- devices ------------------------------------------------------------------------------------


def test_the_device_defaults_to_cpu_and_can_be_chosen(mlp, features, monkeypatch):
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    assert TorchHandler(mlp, features[:2]).device == "cpu"
    monkeypatch.setenv(DEVICE_ENV, "cuda:1")
    assert TorchHandler(mlp, features[:2]).device == "cuda:1"
    assert TorchHandler(mlp, features[:2], device="cpu").device == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_predictions_match_cpu_and_pins_load_on_cpu(mlp, features, tmp_path):
    cpu = eval_rows(mlp, features[:6])
    handler = TorchHandler(mlp, features[:2], device="cuda")
    v = VetiverModel(handler, "gpu")
    response = post_in_process(
        VetiverAPI(v).app, "/predict", pd.DataFrame(features[:6], columns=columns()).to_dict("records")
    )
    assert next(mlp.parameters()).device.type == "cuda"
    assert np.allclose(response.json()["predict"], cpu, rtol=1e-4, atol=1e-5)
    meta = vetiver_pin_write(pins.board_folder(str(tmp_path), allow_pickle_read=False), v)
    assert meta.user["vetiver_meta"]["model_format"] == "torch-export"
    again = VetiverModel.from_pin(pins.board_folder(str(tmp_path), allow_pickle_read=False), "gpu")
    assert again.handler.device == "cpu"
    assert np.allclose(again.handler_predict(features[:6]), cpu, rtol=1e-5, atol=1e-6)


# --- the torch-export format ----------------------------------------------------------------------

USER_MODULE = '''
import torch

class Scorer(torch.nn.Module):
    """Defined by the user, in a module the serving process does not have."""

    def __init__(self):
        super().__init__()
        self.layer = torch.nn.Linear(3, 1)

    def forward(self, x):
        return torch.sigmoid(self.layer(x)) * 10
'''

READ_WITHOUT_CLASS = """
import json, sys
import numpy as np, pins
from vetiver import VetiverModel
board = pins.board_folder(sys.argv[1], allow_pickle_read=False)
v = VetiverModel.from_pin(board, "scorer")
rows = np.asarray(json.loads(sys.argv[2]), dtype=np.float32)
print(json.dumps({"predictions": v.handler_predict(rows),
                  "user_module_loaded": "user_nets" in sys.modules,
                  "description": v.description}))
"""


def test_exported_pins_load_without_the_class_code(tmp_path, monkeypatch):
    code_dir = tmp_path / "code"
    code_dir.mkdir()
    (code_dir / "user_nets.py").write_text(USER_MODULE)
    monkeypatch.syspath_prepend(str(code_dir))
    from user_nets import Scorer

    torch.manual_seed(2)
    rows = np.random.default_rng(4).normal(size=(5, 3)).astype(np.float32)
    v = VetiverModel(Scorer(), "scorer", prototype_data=rows[:2])
    board_path = str(tmp_path / "board")
    meta = vetiver_pin_write(pins.board_folder(board_path, allow_pickle_read=False), v)
    assert (meta.type, meta.file) == ("file", "scorer.pt2")
    assert meta.user["vetiver_meta"]["model_format"] == "torch-export"

    env = {k: v for k, v in os.environ.items() if k != "PINS_ALLOW_PICKLE_READ"}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(READ_WITHOUT_CLASS), board_path, json.dumps(rows.tolist())],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["user_module_loaded"] is False
    assert report["predictions"] == v.handler_predict(rows)
    assert report["description"] == "A torch Scorer model"


def test_a_module_loaded_from_an_export_can_be_pinned_again(mlp, features, tmp_path):
    board = pins.board_folder(str(tmp_path), allow_pickle_read=False)
    vetiver_pin_write(board, VetiverModel(mlp, "first", prototype_data=features[:2]))
    loaded = VetiverModel.from_pin(board, "first")
    again = VetiverModel(loaded.model, "second", prototype_data=loaded.handler.prototype_data)
    meta = vetiver_pin_write(board, again)
    assert meta.user["vetiver_meta"]["model_format"] == "torch-export"
    assert VetiverModel.from_pin(board, "second").handler_predict(features[:3]) == eval_rows(mlp, features[:3])


class DataDependent(torch.nn.Module):
    """Branches on the data, which torch.export cannot trace."""

    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.sum() > 0:
            return self.layer(x)
        return -self.layer(x)


def test_modules_that_cannot_be_exported_are_pickled_with_consent(features, tmp_path, monkeypatch):
    monkeypatch.delenv("PINS_ALLOW_PICKLE_READ", raising=False)
    model = DataDependent()
    v = VetiverModel(model, "branchy", prototype_data=features[:2])
    with pytest.warns(ExportFallbackWarning, match="pickle consent"):
        meta = vetiver_pin_write(pins.board_folder(str(tmp_path), allow_pickle_read=True), v)
    assert v.handler.export_error.startswith("torch.export failed")
    assert meta.type == "joblib" and meta.user["vetiver_meta"]["model_format"] == "joblib"
    with pytest.raises(PickleConsentError):
        VetiverModel.from_pin(pins.board_folder(str(tmp_path), allow_pickle_read=False), "branchy")
    again = VetiverModel.from_pin(pins.board_folder(str(tmp_path), allow_pickle_read=True), "branchy")
    assert again.handler_predict(features[:4]) == eval_rows(model, features[:4])


def test_models_without_a_prototype_are_pickled(mlp, features, tmp_path):
    v = VetiverModel(mlp, "bare")
    assert v.handler_predict(features[:2].tolist(), check_prototype=False) == eval_rows(mlp, features[:2])
    with pytest.warns(ExportFallbackWarning, match="no prototype"):
        assert v.handler.model_format == "joblib"


def test_required_pkgs_drop_the_local_version_label(mlp, features):
    (requirement,) = TorchHandler(mlp, features[:2]).required_pkgs()
    assert requirement == f"torch=={torch.__version__.split('+')[0]}"


def test_0_2_6_import_path_resolves_to_the_plugin_class():
    """``vetiver.handlers.torch`` (0.2.6's path) is a lazy alias; not importing torch during discovery
    is checked by the conformance suite."""
    from vetiver.handlers.torch import TorchHandler as alias
    from vetiver_torch.handler import TorchHandler

    assert alias is TorchHandler


# --- vetiver 0.2.6 pins ---------------------------------------------------------------------------

LEGACY_MODULE = """
import torch

class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = torch.nn.Linear(3, 2)

    def forward(self, x):
        return torch.tanh(self.layer(x))
"""

WRITE_LIKE_0_2_6 = """
import json, sys
import numpy as np, pins, torch
from legacy_nets import Net
torch.manual_seed(5)
net = Net()
rows = np.random.default_rng(6).normal(size=(4, 3)).astype(np.float32)
prototype = json.dumps({str(i): float(value) for i, value in enumerate(rows[0])})
board = pins.board_folder(sys.argv[1], allow_pickle_read=True)
board.pin_write(
    net, name="legacy-torch", type="joblib", title="legacy-torch: a pinned Net object",
    description="A torch Net model",
    metadata={"user": {}, "vetiver_meta": {"prototype": prototype, "required_pkgs": ["torch"],
                                           "python_version": [3, 11, 7, "final", 0]}},
)
with torch.no_grad():
    print(json.dumps({"rows": rows.tolist(), "predictions": net(torch.from_numpy(rows)).tolist()}))
"""


@pytest.mark.legacy
def test_modules_pinned_by_0_2_6_load_with_consent(tmp_path, monkeypatch):
    """vetiver 0.2.6's environment has no torch, so the pin is written the way 0.2.6 writes it
    (``vetiver_pin_write``: ``board.pin_write(module, type="joblib")`` with its
    ``user.vetiver_meta``) by plain pins in a subprocess that has the class; this process reads
    it with the class importable, as 0.2.6 required."""
    code_dir = tmp_path / "code"
    code_dir.mkdir()
    (code_dir / "legacy_nets.py").write_text(LEGACY_MODULE)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(code_dir), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(WRITE_LIKE_0_2_6), str(tmp_path / "board")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    written = json.loads(result.stdout.strip().splitlines()[-1])
    monkeypatch.syspath_prepend(str(code_dir))
    monkeypatch.delenv("PINS_ALLOW_PICKLE_READ", raising=False)

    with pytest.raises(PickleConsentError):
        VetiverModel.from_pin(pins.board_folder(str(tmp_path / "board"), allow_pickle_read=False), "legacy-torch")
    v = VetiverModel.from_pin(pins.board_folder(str(tmp_path / "board"), allow_pickle_read=True), "legacy-torch")
    assert isinstance(v.handler, TorchHandler)
    assert v.handler.input_dtype == np.float32  # the 0.2.6 prototype reads back as float64
    records = [dict(zip(["0", "1", "2"], row, strict=True)) for row in written["rows"]]
    response = post_in_process(VetiverAPI(v).app, "/predict", records)
    assert response.status_code == 200, response.text
    assert np.allclose(response.json()["predict"], written["predictions"], rtol=1e-6, atol=1e-7)
