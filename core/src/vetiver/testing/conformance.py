"""Conformance checks for vetiver handler plugins, shipped as a pytest plugin.

A handler plugin's test module subclasses :class:`HandlerConformance` and provides its model
and data as fixtures; the inherited tests then check everything vetiver expects of a handler:
discovery through the ``vetiver`` entry-point group without importing the framework, dispatch
through the ``handler_for_model`` hook, ``describe()``, pinned ``required_pkgs``, the prototype,
one row versus a batch, every prediction type, the pin round trip in the handler's default
format with pickle consent honoured, served predictions (in-process client and a real uvicorn
server) equal to in-process ones, bad input answered with a 4xx naming the column, and
``vetiver plugins`` listing the plugin::

    import pytest
    from vetiver.testing import HandlerConformance

    class TestMyHandler(HandlerConformance):
        framework = "myframework"       # top-level module the plugin must import lazily
        plugin = "vetiver-myframework"  # the plugin's distribution

        @pytest.fixture
        def model(self): ...            # a fitted model

        @pytest.fixture
        def prototype_data(self): ...   # what VetiverModel(prototype_data=...) gets

        @pytest.fixture
        def sample_data(self): ...      # a DataFrame of >= 2 rows with the prototype's columns

        @pytest.fixture
        def expected(self, sample_data): ...  # optional: predictions for sample_data

pytest loads this module at start-up wherever vetiver-core is installed (entry point
``pytest11``), so it imports nothing but pytest and the standard library at module level; the
rest is imported inside the tests. ``-p no:vetiver`` disables it.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

__all__ = ["HandlerConformance", "assert_predictions_equal", "post_in_process", "serve_app"]

_REQUIREMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*==[^=\s,;]+")


# --- helpers for any vetiver test ----------------------------------------------------------------


def assert_predictions_equal(actual: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-12) -> None:
    """Assert two prediction results are equal: numbers within ``rtol``/``atol`` (``0, 0`` means
    bit-identical), anything else exactly. Lists of records (dicts) are compared key by key."""
    import numpy as np

    actual, expected = _plain(actual), _plain(expected)
    assert len(actual) == len(expected), f"{len(actual)} predictions, expected {len(expected)}"
    if expected and isinstance(expected[0], dict):
        assert [sorted(r) for r in actual] == [sorted(r) for r in expected], "records have other keys"
        for key in expected[0]:
            assert_predictions_equal([r[key] for r in actual], [r[key] for r in expected], rtol, atol)
        return
    try:
        left, right = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):  # labels, strings: compared as they are
        assert actual == expected
        return
    assert left.shape == right.shape, f"predictions have shape {left.shape}, expected {right.shape}"
    np.testing.assert_allclose(left, right, rtol=rtol, atol=atol, equal_nan=True)


def _plain(result: Any) -> list:
    """A prediction result (list, array, Series, DataFrame) as a list of rows."""
    if hasattr(result, "to_dict") and hasattr(result, "columns"):  # DataFrame
        return result.to_dict(orient="records")
    return result.tolist() if hasattr(result, "tolist") else list(result)


@contextlib.contextmanager
def serve_app(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve an ASGI app with a real uvicorn server on a free port of ``host``, in a thread.

    Yields the base URL (``http://127.0.0.1:<port>``); the server stops when the block ends.
    """
    import uvicorn

    # Bind first and hand uvicorn the socket: no window for another process to take the port.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="vetiver-test-server")
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on {host}:{port}")
            time.sleep(0.02)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def post_in_process(app: Any, path: str, body: Any) -> Any:
    """POST ``body`` as JSON to an ASGI app in this process; returns the ``httpx.Response``."""
    import anyio
    import httpx

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://vetiver.test") as client:
            return await client.post(path, json=body)

    return anyio.run(post)


@pytest.fixture
def vetiver_board(tmp_path: Path) -> Any:
    """A versioned folder board in a temporary folder that allows pickle reads."""
    import pins

    return pins.board_folder(str(tmp_path / "vetiver-board"), allow_pickle_read=True)


# --- the conformance suite -----------------------------------------------------------------------


class HandlerConformance:
    """Checks every vetiver handler plugin must pass; subclass it in a ``Test*`` class.

    Class attributes:
        framework: The top-level module of the model's framework (``"xgboost"``); discovering
            plugins and asking them about foreign objects must not import it.
        plugin: The plugin's distribution name (``"vetiver-xgboost"``).
        model_name: The name models are pinned under.
        rtol, atol: Tolerances for comparing predictions (``0, 0``: bit-identical).
    """

    framework: ClassVar[str]
    plugin: ClassVar[str]
    model_name: ClassVar[str] = "conformance-model"
    rtol: ClassVar[float] = 1e-6
    atol: ClassVar[float] = 1e-12

    # --- fixtures a subclass provides ---------------------------------------------------------

    @pytest.fixture
    def model(self) -> Any:
        pytest.fail(
            "HandlerConformance subclasses must define a `model` fixture returning a fitted model", pytrace=False
        )

    @pytest.fixture
    def prototype_data(self) -> Any:
        pytest.fail("HandlerConformance subclasses must define a `prototype_data` fixture", pytrace=False)

    @pytest.fixture
    def sample_data(self) -> Any:
        pytest.fail(
            "HandlerConformance subclasses must define a `sample_data` fixture: a DataFrame of >= 2 rows", pytrace=False
        )

    @pytest.fixture
    def expected(self) -> Any:
        """Predictions for ``sample_data``; None skips that comparison."""
        return None

    # --- fixtures of the suite ----------------------------------------------------------------

    @pytest.fixture(autouse=True)
    def _fresh_plugins(self) -> Iterator[None]:
        from vetiver import plugins

        plugins.reset()
        yield
        plugins.reset()

    @pytest.fixture
    def vetiver_model(self, model: Any, prototype_data: Any) -> Any:
        from vetiver import VetiverModel

        return VetiverModel(model, self.model_name, prototype_data=prototype_data)

    @pytest.fixture
    def records(self, sample_data: Any) -> list[dict]:
        """``sample_data`` as JSON request rows (``to_json`` would round floats to 10 digits)."""
        return sample_data.to_dict(orient="records")

    def assert_equal(self, actual: Any, expected: Any) -> None:
        assert_predictions_equal(actual, expected, self.rtol, self.atol)

    # --- discovery and dispatch ---------------------------------------------------------------

    def test_discovery_does_not_import_framework(self) -> None:
        """In a fresh interpreter: ``import vetiver``, load every plugin, list model formats and
        ask for handlers of non-framework objects; the framework must stay unimported."""
        code = f"""
            import json, sys, warnings
            warnings.simplefilter("ignore")
            import vetiver
            from vetiver import plugins
            found = {{p.distribution: list(p.hooks) for p in plugins.plugins()}}
            formats = sorted(plugins.registry("model format"))
            foreign = [plugins.handler_for_model(obj, None) for obj in (object(), {{"a": 1}}, [1.0])]
            print(json.dumps({{
                "plugins": found,
                "failures": [str(f) for f in plugins.failures()],
                "imported": {self.framework!r} in sys.modules,
                "foreign": [h is not None for h in foreign],
            }}))
        """
        result = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout.strip().splitlines()[-1])
        assert self.plugin in report["plugins"], f"{self.plugin} not discovered; failures: {report['failures']}"
        assert "handler_for_model" in report["plugins"][self.plugin]
        assert not report["imported"], f"discovering plugins imported {self.framework}"
        assert report["foreign"] == [False, False, False]

    def test_dispatch_through_the_hook(self, model: Any, prototype_data: Any) -> None:
        from vetiver import plugins

        handler = plugins.handler_for_model(model, prototype_data)
        assert handler is not None, f"no plugin offered a handler for {type(model).__qualname__}"
        assert handler.model is model
        assert type(handler).__module__.split(".")[0] == self._plugin_module()

    def _plugin_module(self) -> str:
        import importlib.metadata

        from vetiver.hookspecs import PROJECT_NAME

        dist = importlib.metadata.distribution(self.plugin)
        modules = [ep.module.split(".")[0] for ep in dist.entry_points if ep.group == PROJECT_NAME]
        assert modules, f"{self.plugin} declares no entry point in the {PROJECT_NAME!r} group"
        return modules[0]

    # --- description, requirements, prototype ---------------------------------------------------

    def test_describe(self, vetiver_model: Any) -> None:
        description = vetiver_model.handler.describe()
        assert isinstance(description, str) and description.strip()
        assert "\n" not in description and "<locals>" not in description
        assert vetiver_model.description == description

    def test_required_pkgs_are_pinned(self, vetiver_model: Any) -> None:
        import importlib.metadata

        required = vetiver_model.handler.required_pkgs()
        for requirement in required:
            assert _REQUIREMENT.fullmatch(requirement), f"{requirement!r} is not pinned as name==version"
        pip_name = vetiver_model.handler.pip_name
        if pip_name:
            installed = importlib.metadata.version(pip_name).split("+")[0]
            assert any(r.split("==")[0] == pip_name and r.split("==")[1].split("+")[0] == installed for r in required)
        assert set(required) <= set(vetiver_model.metadata.required_pkgs)

    def test_prototype_is_built(self, vetiver_model: Any, prototype_data: Any) -> None:
        from vetiver.schema.infer import infer_schema, schema_of

        assert vetiver_model.prototype is not None
        assert schema_of(vetiver_model.prototype).names == infer_schema(prototype_data).names

    # --- predictions --------------------------------------------------------------------------

    def test_predicts_one_result_per_row(self, vetiver_model: Any, sample_data: Any, expected: Any) -> None:
        result = vetiver_model.handler_predict(sample_data, check_prototype=True)
        assert len(result) == len(sample_data)
        if expected is not None:
            self.assert_equal(result, expected)

    def test_one_row_matches_batch(self, vetiver_model: Any, sample_data: Any) -> None:
        batch = _plain(vetiver_model.handler_predict(sample_data, check_prototype=True))
        rows = [
            _plain(vetiver_model.handler_predict(sample_data.iloc[[i]], check_prototype=True))[0]
            for i in range(len(sample_data))
        ]
        self.assert_equal(rows, batch)

    def test_prediction_types(self, vetiver_model: Any, sample_data: Any) -> None:
        """Each declared type predicts consistently for one row and a batch, or is refused with
        a ValueError (not offered by this model); unknown types are refused."""
        handler = vetiver_model.handler
        assert "predict" in handler.prediction_types
        for prediction_type in handler.prediction_types:
            try:
                batch = _plain(handler.handler_predict(sample_data, prediction_type=prediction_type))
            except ValueError:
                assert prediction_type != "predict", "the predict type must always work"
                continue
            one = _plain(handler.handler_predict(sample_data.iloc[[0]], prediction_type=prediction_type))
            assert len(batch) == len(sample_data)
            self.assert_equal(one, batch[:1])
        with pytest.raises(ValueError):
            handler.handler_predict(sample_data, prediction_type="no-such-prediction-type")

    # --- pins ---------------------------------------------------------------------------------

    def test_pin_round_trip_in_default_format(self, vetiver_model: Any, sample_data: Any, vetiver_board: Any) -> None:
        from vetiver import VetiverModel, plugins, vetiver_pin_write

        board = vetiver_board
        meta = vetiver_pin_write(board, vetiver_model)
        stored = meta.user["vetiver_meta"]
        model_format = plugins.model_format(vetiver_model.handler.model_format)
        assert stored["model_format"] == model_format.name
        assert meta.type == model_format.pin_type
        assert stored["handler_plugin"] == self.plugin

        again = VetiverModel.from_pin(board, self.model_name)
        assert type(again.handler) is type(vetiver_model.handler)
        assert again.schema.names == vetiver_model.schema.names
        self.assert_equal(again.handler_predict(sample_data), vetiver_model.handler_predict(sample_data))

    def test_pickle_consent_is_honoured(
        self, vetiver_model: Any, sample_data: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A format that unpickles needs the board's consent; one that does not reads without it."""
        import pins

        from vetiver import VetiverModel, plugins, vetiver_pin_write
        from vetiver.errors import PickleConsentError

        monkeypatch.delenv("PINS_ALLOW_PICKLE_READ", raising=False)
        path = str(tmp_path / "board")
        vetiver_pin_write(pins.board_folder(path, allow_pickle_read=True), vetiver_model)
        refusing = pins.board_folder(path, allow_pickle_read=False)
        if plugins.model_format(vetiver_model.handler.model_format).uses_pickle:
            with pytest.raises(PickleConsentError):
                VetiverModel.from_pin(refusing, self.model_name)
        else:
            again = VetiverModel.from_pin(refusing, self.model_name)
            self.assert_equal(again.handler_predict(sample_data), vetiver_model.handler_predict(sample_data))

    # --- serving ------------------------------------------------------------------------------

    @pytest.fixture
    def api(self, vetiver_model: Any) -> Any:
        from vetiver import VetiverAPI

        return VetiverAPI(vetiver_model, check_prototype=True)

    def test_served_predictions_equal_in_process(
        self, api: Any, vetiver_model: Any, sample_data: Any, records: list[dict]
    ) -> None:
        response = post_in_process(api.app, "/predict", records)
        assert response.status_code == 200, response.text
        self.assert_equal(response.json()["predict"], vetiver_model.handler_predict(sample_data))

    def test_bad_input_is_a_4xx_naming_the_column(self, api: Any, records: list[dict]) -> None:
        missing = next(iter(records[0]))
        without = [{k: v for k, v in row.items() if k != missing} for row in records]
        response = post_in_process(api.app, "/predict", without)
        assert 400 <= response.status_code < 500, response.text
        assert missing in response.text

        numeric = next(
            (k for k, v in records[0].items() if isinstance(v, int | float) and not isinstance(v, bool)), None
        )
        if numeric is not None:
            wrong = [dict(row, **{numeric: "not a number"}) for row in records]
            response = post_in_process(api.app, "/predict", wrong)
            assert 400 <= response.status_code < 500, response.text
            assert numeric in response.text

    def test_real_server_one_row_and_batch(
        self, api: Any, vetiver_model: Any, sample_data: Any, records: list[dict]
    ) -> None:
        import httpx

        with serve_app(api.app) as url:
            one = httpx.post(f"{url}/predict", json=records[:1], timeout=60)
            batch = httpx.post(f"{url}/predict", json=records, timeout=60)
        assert one.status_code == 200 and batch.status_code == 200, (one.text, batch.text)
        expected = _plain(vetiver_model.handler_predict(sample_data))
        self.assert_equal(batch.json()["predict"], expected)
        self.assert_equal(one.json()["predict"], expected[:1])

    # --- command line -------------------------------------------------------------------------

    def test_cli_lists_the_plugin(self) -> None:
        """``vetiver plugins``, the console script installed next to this interpreter."""
        script = Path(sys.executable).parent / "vetiver"
        assert script.exists(), f"no vetiver console script at {script}"
        result = subprocess.run([str(script), "plugins"], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        lines = [line for line in result.stdout.splitlines() if self.plugin in line.split()]
        assert lines and "model handler" in lines[0], result.stdout
