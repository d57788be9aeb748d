"""Conformance suites for the storage backend, serving runtime and deploy target extension points.

Like :class:`vetiver.testing.HandlerConformance`, each is a class a plugin's test module
subclasses in a ``Test*`` class, naming the plugin object and filling in a fixture or two::

    from vetiver.testing import StorageBackendConformance

    class TestMyStorage(StorageBackendConformance):
        backend = "mystore"              # the StorageBackend's name
        plugin = "vetiver-mystore"       # the distribution providing it

        @pytest.fixture
        def board_url(self, tmp_path):   # a board URL the backend serves, fresh for each test
            return f"mystore://{tmp_path.name}"

The suites need no ML framework: the model they pin and serve is
:class:`~vetiver.testing.line_model.LineModel`.

Two fixtures of the ``vetiver`` pytest plugin serve any plugin test: ``vetiver_plugin_manager``
(vetiver's plugin manager, loaded afresh for the test and reset after it) and
``register_vetiver_plugin`` (registers a plugin module or object for this test only). This module,
loaded with the pytest plugin, imports only pytest and the standard library at module level.
"""

from __future__ import annotations

import importlib.metadata
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

__all__ = [
    "DeployTargetConformance",
    "ServingRuntimeConformance",
    "StorageBackendConformance",
    "register_vetiver_plugin",
    "vetiver_plugin_manager",
    "wait_for_ping",
]


def wait_for_ping(url: str, process: subprocess.Popen, timeout: float = 240, log: Path | None = None) -> None:
    """Wait until the server ``process`` answers ``GET {url}/ping`` with 200.

    Fails the test, with the server's ``log`` when given, if the process exits first or
    ``timeout`` seconds pass (generous by default: small shared CI machines import slowly).
    """
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}): {log.read_text() if log else ''}", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(f"{url}/ping did not answer within {timeout:.0f} s", pytrace=False)
        try:
            if httpx.get(f"{url}/ping", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def vetiver_plugin_manager() -> Iterator[Any]:
    """vetiver's plugin manager, freshly loaded from the installed plugins for this test."""
    from vetiver import plugins

    plugins.reset()
    yield plugins.plugin_manager()
    plugins.reset()


@pytest.fixture
def register_vetiver_plugin(vetiver_plugin_manager: Any) -> Callable[..., Any]:
    """``register_vetiver_plugin(module_or_object, name=None)`` registers a plugin for this test."""

    def register(plugin: Any, name: str | None = None) -> Any:
        from vetiver import plugins

        vetiver_plugin_manager.register(plugin, name=name)
        plugins.state().named.clear()  # registries are rebuilt with the new plugin in them
        return plugin

    return register


# --- what every suite has -----------------------------------------------------------------------


class _PluginSuite:
    kind: ClassVar[str]  # the registry kind ("storage backend"), set by each suite
    name_attribute: ClassVar[str]  # the class attribute naming the plugin object ("backend")
    plugin: ClassVar[str]
    model_name: ClassVar[str] = "conformance-line"

    def _name(self) -> str:
        return getattr(self, self.name_attribute)

    @pytest.fixture
    def line_model(self) -> Any:
        from vetiver import VetiverModel

        from .line_model import LineModel, line_frame

        return VetiverModel(LineModel(), self.model_name, prototype_data=line_frame(2))

    def test_registered_by_the_plugin(self, vetiver_plugin_manager: Any) -> None:
        from vetiver import plugins

        registry = plugins.registry(self.kind)
        assert self._name() in registry, f"no {self.kind} {self._name()!r}; installed: {sorted(registry)}"
        _, info = registry[self._name()]
        assert info.distribution == self.plugin, f"{self.kind} {self._name()!r} comes from {info.distribution}"
        assert not plugins.failures(), [str(f) for f in plugins.failures()]

    def test_packages_are_distribution_names(self, vetiver_plugin_manager: Any) -> None:
        from packaging.requirements import Requirement

        from vetiver import plugins

        provided = plugins.get(self.kind, self._name())
        for package in getattr(provided, "packages", ()):
            assert Requirement(package).name, package


# --- storage backends ---------------------------------------------------------------------------


class StorageBackendConformance(_PluginSuite):
    """What every storage backend must do: make boards for its URLs on which vetiver writes,
    lists, versions and reads pins.

    Class attributes:
        backend: The :class:`~vetiver.hookspecs.StorageBackend` name.
        plugin: The distribution providing it.

    Fixtures a subclass provides: ``board_url`` (a URL of an empty board, fresh for each test);
    optionally ``board_options`` (keyword options for ``vetiver.board``).
    """

    kind = "storage backend"
    name_attribute = "backend"
    backend: ClassVar[str]

    @pytest.fixture
    def board_url(self) -> str:
        pytest.fail("StorageBackendConformance subclasses must define a `board_url` fixture", pytrace=False)

    @pytest.fixture
    def board_options(self) -> dict[str, Any]:
        return {}

    @pytest.fixture
    def board(self, board_url: str, board_options: dict[str, Any], vetiver_plugin_manager: Any) -> Any:
        import vetiver

        return vetiver.board(board_url, allow_pickle_read=True, **board_options)

    def test_url_scheme_selects_the_backend(self, board_url: str, vetiver_plugin_manager: Any) -> None:
        from urllib.parse import urlsplit

        from vetiver import plugins

        scheme = urlsplit(board_url).scheme if "://" in board_url else ""
        assert scheme in plugins.storage_backend(self.backend).schemes

    def test_pin_round_trip(self, board: Any, line_model: Any) -> None:
        from vetiver import VetiverModel, vetiver_pin_write

        from .line_model import LineHandler, line_frame

        vetiver_pin_write(board, line_model)
        assert self.model_name in board.pin_list()
        again = VetiverModel.from_pin(board, self.model_name)
        assert isinstance(again.handler, LineHandler)
        assert again.handler_predict(line_frame()) == line_model.handler_predict(line_frame())

    def test_versions_and_identical_writes(self, board: Any, line_model: Any) -> None:
        from vetiver import VetiverModel, vetiver_pin_write
        from vetiver.storage import pinstore

        from .line_model import LineModel, line_frame

        first = vetiver_pin_write(board, line_model).version.version
        assert vetiver_pin_write(board, line_model).version.version == first, "an identical write added a version"
        line_model.model = LineModel(slope=3.0)
        second = vetiver_pin_write(board, line_model).version.version
        versions = [v.version for v in pinstore.list_versions(board, self.model_name)]
        assert versions[-2:] == [first, second]
        older = VetiverModel.from_pin(board, self.model_name, version=first)
        assert older.handler_predict(line_frame(2)) == [1.0, 3.0]
        assert VetiverModel.from_pin(board, self.model_name).handler_predict(line_frame(2)) == [1.0, 4.0]

    def test_missing_pin_is_a_pin_not_found_error(self, board: Any) -> None:
        from vetiver import VetiverModel
        from vetiver.errors import PinNotFoundError

        with pytest.raises(PinNotFoundError):
            VetiverModel.from_pin(board, "no-such-pin")


# --- serving runtimes ---------------------------------------------------------------------------


class ServingRuntimeConformance(_PluginSuite):
    """What every serving runtime must do: ``vetiver serve --runtime NAME`` serves a pin on
    127.0.0.1, answers ``/ping`` and ``/predict``, turns bad input into a 4xx, and stops cleanly on
    SIGTERM.

    Class attributes:
        runtime: The :class:`~vetiver.hookspecs.ServingRuntime` name.
        plugin: The distribution providing it.
        extra_routes: Routes the runtime's ``extend_app`` adds, checked to answer (``GET``).
    """

    kind = "serving runtime"
    name_attribute = "runtime"
    runtime: ClassVar[str]
    extra_routes: ClassVar[tuple[str, ...]] = ()
    startup_timeout: ClassVar[float] = 240.0  # a small, shared CI machine imports slowly

    @pytest.fixture
    def served(self, tmp_path: Path, line_model: Any) -> Iterator[str]:
        import pins

        from vetiver import vetiver_pin_write

        vetiver_pin_write(pins.board_folder(str(tmp_path / "board"), allow_pickle_read=True), line_model)
        port = _free_port()
        script = Path(sys.executable).with_name("vetiver")
        env = {k: v for k, v in os.environ.items() if not k.startswith("VETIVER_") and k != "PORT"}
        log = (tmp_path / "server.log").open("wb")
        process = subprocess.Popen(
            [str(script), "serve", str(tmp_path / "board"), self.model_name, "--allow-pickle",
             "--runtime", self.runtime, "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_ping(url, process, self.startup_timeout, tmp_path / "server.log")
            yield url
            process.send_signal(signal.SIGTERM)
            assert process.wait(60) in (0, -signal.SIGTERM), (tmp_path / "server.log").read_text()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(30)
            log.close()

    def test_serves_a_pin_and_stops_on_sigterm(self, served: str) -> None:
        import httpx

        assert httpx.get(f"{served}/ping").json() == {"ping": "pong"}
        answer = httpx.post(f"{served}/predict", json=[{"x": 1.0}, {"x": 2.5}])
        assert answer.status_code == 200 and answer.json() == {"predict": [3.0, 6.0]}, answer.text
        bad = httpx.post(f"{served}/predict", json=[{"x": "one"}])
        assert 400 <= bad.status_code < 500 and "x" in bad.text
        for route in self.extra_routes:
            assert httpx.get(f"{served}{route}").status_code < 500, route


# --- deploy targets -----------------------------------------------------------------------------


class DeployTargetConformance(_PluginSuite):
    """What every deploy target's ``prepare`` must do: write a bundle for a pinned model into a
    folder without contacting the platform, for the newest or a given version, and fail clearly
    for a missing pin.

    Class attributes:
        target: The :class:`~vetiver.hookspecs.DeployTarget` name.
        plugin: The distribution providing it.
        expected_files: Files (relative paths) every bundle holds.

    Fixtures a subclass may override: ``prepare_options`` (keyword options for ``prepare``;
    default: pickle consent for the joblib-pinned test model).
    """

    kind = "deploy target"
    name_attribute = "target"
    target: ClassVar[str]
    expected_files: ClassVar[tuple[str, ...]] = ()

    @pytest.fixture
    def prepare_options(self) -> dict[str, Any]:
        return {"allow_pickle": True}

    @pytest.fixture
    def pinned(self, tmp_path: Path, line_model: Any) -> tuple[Any, list[str]]:
        import pins

        from vetiver import vetiver_pin_write

        from .line_model import LineModel

        board = pins.board_folder(str(tmp_path / "board"), allow_pickle_read=True)
        first = vetiver_pin_write(board, line_model).version.version
        line_model.model = LineModel(slope=5.0)
        second = vetiver_pin_write(board, line_model).version.version
        return board, [first, second]

    def test_prepare_writes_a_bundle(self, pinned: Any, tmp_path: Path, prepare_options: dict[str, Any]) -> None:
        import vetiver

        board, _ = pinned
        folder = vetiver.prepare(self.target, board, self.model_name, tmp_path / "bundle", **prepare_options)
        assert Path(folder).is_dir() and any(Path(folder).iterdir()), "prepare wrote nothing"
        missing = [f for f in self.expected_files if not (Path(folder) / f).exists()]
        assert not missing, f"the bundle lacks {missing}"

    def test_prepare_names_the_version(self, pinned: Any, tmp_path: Path, prepare_options: dict[str, Any]) -> None:
        import vetiver

        board, (first, second) = pinned
        newest = vetiver.prepare(self.target, board, self.model_name, tmp_path / "newest", **prepare_options)
        older = vetiver.prepare(self.target, board, self.model_name, tmp_path / "older", version=first,
                                **prepare_options)  # fmt: skip
        text = {p.relative_to(older).as_posix(): p.read_bytes() for p in Path(older).rglob("*") if p.is_file()}
        assert any(first.encode() in content for content in text.values()), f"no file of the bundle names {first}"
        newest_text = b"".join(p.read_bytes() for p in Path(newest).rglob("*") if p.is_file())
        assert second.encode() in newest_text

    def test_missing_pin_is_a_clear_error(self, pinned: Any, tmp_path: Path, prepare_options: dict[str, Any]) -> None:
        import vetiver
        from vetiver.errors import VetiverError

        board, _ = pinned
        with pytest.raises(VetiverError):
            vetiver.prepare(self.target, board, "no-such-pin", tmp_path / "bundle", **prepare_options)

    def test_plugin_is_a_distribution(self) -> None:
        assert importlib.metadata.distribution(self.plugin).version
