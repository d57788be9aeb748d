"""vetiver-core's own storage backends and serving runtime, and the example plugin's backend,
runtime and deploy target, through the conformance suites a plugin author subclasses."""

from __future__ import annotations

import pytest

from vetiver.hookspecs import StorageBackend, hookimpl
from vetiver.testing import DeployTargetConformance, ServingRuntimeConformance, StorageBackendConformance


class TestFolderBackend(StorageBackendConformance):
    backend = "file"
    plugin = "vetiver-core"

    @pytest.fixture
    def board_url(self, tmp_path):
        return str(tmp_path / "board")


class TestFileURLBackend(TestFolderBackend):
    @pytest.fixture
    def board_url(self, tmp_path):
        return f"file://{tmp_path / 'board'}"


@pytest.mark.s3
class TestS3Backend(StorageBackendConformance):
    backend = "s3"
    plugin = "vetiver-core"

    @pytest.fixture
    def board_url(self, s3_bucket):
        return f"s3://{s3_bucket}/models"

    @pytest.fixture
    def board_options(self, moto_endpoint):
        return {"client_kwargs": {"endpoint_url": moto_endpoint}}


class TestExampleMemoryBackend(StorageBackendConformance):
    backend = "memory"
    plugin = "vetiver-example"

    @pytest.fixture
    def board_url(self, tmp_path):
        return f"memory://{tmp_path.name}"


class TestUvicornRuntime(ServingRuntimeConformance):
    runtime = "uvicorn"
    plugin = "vetiver-core"


class TestExampleRuntime(ServingRuntimeConformance):
    runtime = "example"
    plugin = "vetiver-example"
    extra_routes = ("/example-info",)


class TestExampleBundleTarget(DeployTargetConformance):
    target = "bundle"
    plugin = "vetiver-example"
    expected_files = ("app.py", "requirements.txt")


class _ScratchStorage:
    """A plugin registered for one test only: the folder backend under another scheme."""

    @hookimpl
    def storage_backends(self):
        import pins

        def create(url, **options):
            return pins.board_folder(url.split("://", 1)[1], **options)

        return [StorageBackend("scratch", ("scratch",), create, description="a folder, by another name")]


class TestARegisteredPlugin(StorageBackendConformance):
    """The suites' fixtures register a plugin object for a single test, without installing it."""

    backend = "scratch"
    plugin = "<registered in-process>"

    @pytest.fixture(autouse=True)
    def _registered(self, register_vetiver_plugin):
        register_vetiver_plugin(_ScratchStorage(), name="scratch-storage")

    @pytest.fixture
    def board_url(self, tmp_path):
        return f"scratch://{tmp_path / 'board'}"


def test_a_registered_plugin_lasts_one_test():
    from vetiver import plugins

    assert "scratch" not in plugins.registry("storage backend")
