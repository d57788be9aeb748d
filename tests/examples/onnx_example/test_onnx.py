"""vetiver-onnx as a user meets it: installed from its wheel, both input layouts, extra outputs as
endpoints, no-pickle pins, ``vetiver serve`` of a pin on 127.0.0.1, and a Docker build context."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import numpy as np
import pins
import pytest

import vetiver
from vetiver.testing import assert_predictions_equal, post_in_process, wait_for_ping

# The plugin is installed from its wheel only by its own nox session ("example"); elsewhere it is absent.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("vetiver_onnx") is None, reason="vetiver-onnx is not installed (nox -s example)"
)

VETIVER = str(Path(sys.executable).with_name("vetiver"))


def test_the_plugin_is_installed_from_its_wheel():
    """CI installs a wheel built from examples/vetiver-onnx, not the checkout: what a user gets."""
    direct_url = json.loads(importlib.metadata.distribution("vetiver-onnx").read_text("direct_url.json") or "{}")
    assert direct_url.get("url", "").endswith(".whl"), f"vetiver-onnx is not installed from a wheel: {direct_url}"
    assert not direct_url.get("dir_info", {}).get("editable")


def test_discovery_imports_neither_onnx_nor_onnxruntime():
    code = textwrap.dedent(
        """
        import json, sys
        from vetiver import plugins
        plugins.registry("model format")
        plugins.handler_for_model(object(), None)
        print(json.dumps([name in sys.modules for name in ("onnx", "onnxruntime")]))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [False, False]


def test_extra_outputs_are_prediction_types_and_endpoints(onnx_classifier, sklearn_classifier, frame):
    v = vetiver.VetiverModel(onnx_classifier, "clf", prototype_data=frame.head(3))
    assert v.handler.prediction_types == ("predict", "probabilities")
    assert v.description.startswith("An ONNX model from skl2onnx")
    rows = frame.iloc[:8]
    expected = sklearn_classifier.predict_proba(rows.to_numpy(np.float32))
    assert_predictions_equal(v.handler_predict(rows, prediction_type="probabilities"), expected, rtol=1e-5, atol=1e-6)

    api = vetiver.VetiverAPI(v)
    api.vetiver_post("probabilities")
    response = post_in_process(api.app, "/probabilities", rows.to_dict("records"))
    assert response.status_code == 200, response.text
    assert_predictions_equal(response.json()["probabilities"], expected, rtol=1e-5, atol=1e-6)


def test_reordered_request_columns_follow_the_prototype(onnx_classifier, sklearn_classifier, frame):
    v = vetiver.VetiverModel(onnx_classifier, "clf", prototype_data=frame.head(3))
    shuffled = frame[["gamma", "alpha", "beta"]].iloc[:20]
    response = post_in_process(vetiver.VetiverAPI(v).app, "/predict", shuffled.to_dict("records"))
    assert response.json()["predict"] == sklearn_classifier.predict(frame.iloc[:20].to_numpy(np.float32)).tolist()


def test_a_graph_with_one_input_per_column(price_graph, houses):
    v = vetiver.VetiverModel(price_graph, "price", prototype_data=houses.head(2))
    expected = (2.5 * houses.area + 10 * houses.rooms).tolist()
    assert v.handler_predict(houses) == expected
    app = vetiver.VetiverAPI(v).app
    assert post_in_process(app, "/predict", houses.to_dict("records")).json() == {"predict": expected}
    missing = post_in_process(app, "/predict", [{"area": 10.0}])
    assert missing.status_code == 422 and "rooms" in missing.text
    # Without a prototype the graph's input names are the contract.
    bare = vetiver.VetiverModel(price_graph, "price")
    assert bare.handler_predict(houses.to_dict("records"), check_prototype=False) == expected
    with pytest.raises(ValueError, match=r"\['rooms'\]"):
        bare.handler_predict([{"area": 1.0}], check_prototype=False)


def test_pins_hold_the_onnx_bytes_and_need_no_pickle_consent(onnx_classifier, frame, tmp_path, monkeypatch):
    monkeypatch.delenv("PINS_ALLOW_PICKLE_READ", raising=False)
    v = vetiver.VetiverModel(onnx_classifier, "clf", prototype_data=frame.head(3))
    meta = vetiver.vetiver_pin_write(pins.board_folder(str(tmp_path), allow_pickle_read=True), v)
    assert (meta.type, meta.file) == ("file", "clf.onnx")
    assert meta.user["vetiver_meta"]["model_format"] == "onnx"
    assert next(tmp_path.glob("clf/*/clf.onnx")).read_bytes() == onnx_classifier.SerializeToString()

    again = vetiver.VetiverModel.from_pin(pins.board_folder(str(tmp_path), allow_pickle_read=False), "clf")
    assert again.handler_predict(frame.head(10)) == v.handler_predict(frame.head(10))
    assert {r.split("==")[0] for r in again.metadata.required_pkgs} == {"onnxruntime", "onnx"}
    assert meta.user["vetiver_meta"]["handler_plugin"] == "vetiver-onnx"


# --- the command line: serving a pin, preparing a Docker context --------------------------------


@pytest.fixture(scope="module")
def pinned(tmp_path_factory, onnx_classifier, frame) -> Path:
    board = tmp_path_factory.mktemp("onnx-board")
    v = vetiver.VetiverModel(onnx_classifier, "clf", prototype_data=frame.head(3))
    vetiver.vetiver_pin_write(pins.board_folder(str(board), allow_pickle_read=False), v)
    return board


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("VETIVER_", "PINS_ALLOW")) and k != "PORT"}


def test_vetiver_serve_serves_the_pin_on_loopback_without_pickle_consent(pinned, sklearn_classifier, frame):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([VETIVER, "serve", str(pinned), "clf", "--host", "127.0.0.1", "--port", str(port)],
                               env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_ping(url, process)
        rows = frame.iloc[50:60]
        answer = vetiver.predict(f"{url}/predict", rows)
        assert answer["predict"].tolist() == sklearn_classifier.predict(rows.to_numpy(np.float32)).tolist()
        bad = httpx.post(f"{url}/predict", json=[{"alpha": "x", "beta": 1.0, "gamma": 2.0}])
        assert bad.status_code == 422 and "alpha" in bad.text
        assert "onnxruntime" in " ".join(httpx.get(f"{url}/metadata").json()["required_pkgs"])
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)


def test_docker_context_installs_the_plugin_wheel(pinned, tmp_path):
    pytest.importorskip("vetiver_docker", reason="the docker deploy target is not installed")
    context = tmp_path / "context"
    result = subprocess.run([VETIVER, "prepare", "docker", str(pinned), "clf", "--path", str(context)],
                            capture_output=True, text=True, timeout=600, env=_env())  # fmt: skip
    assert result.returncode == 0, result.stderr
    requirements = (context / "vetiver_requirements.txt").read_text().splitlines()
    names = {line.split("==")[0] for line in requirements if "==" in line}
    assert {"vetiver-core", "vetiver-onnx", "onnx", "onnxruntime", "protobuf", "numpy"} <= names
    assert f"onnxruntime=={importlib.metadata.version('onnxruntime')}" in requirements
    # No index has vetiver-onnx: its wheel goes into the context, as the Dockerfile installs it.
    assert "vetiver_onnx-0.1.0-py3-none-any.whl" in {p.name for p in (context / "wheels").glob("*.whl")}
    dockerfile = (context / "Dockerfile").read_text()
    assert "COPY wheels/" in dockerfile and "PINS_ALLOW_PICKLE_READ" not in dockerfile
    # The pin is copied into the context, and the app there reads it back.
    assert list((context / "board" / "clf").glob("*/clf.onnx"))
    app = (context / "app.py").read_text()
    assert "'clf'" in app and "allow_pickle_read" not in app
    code = (
        "import runpy, pandas as pd\n"
        "v = runpy.run_path('app.py')['v']\n"
        "print(v.handler_predict(pd.DataFrame({'alpha': [0.5], 'beta': [0.1], 'gamma': [-0.2]})))\n"
    )
    check = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=context)
    assert check.returncode == 0 and check.stdout.strip() == "[1]", check.stderr
