"""``prepare("docker", ...)``: the build context's files, pins copied from folder boards, the newest
version, wheels of local distributions, consent, and Kubernetes manifests."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pins
import pytest
import yaml

import vetiver
from tests.plugins.docker.conftest import fitted
from vetiver.errors import PickleConsentError
from vetiver.storage import pinstore


def requirement_lines(context: Path) -> list[str]:
    return [
        line
        for line in (context / "vetiver_requirements.txt").read_text().splitlines()
        if line and not line.startswith((" ", "#", "--"))
    ]


def test_context_has_0_2_6_files_and_the_newest_pin_version(prepared):
    pinned, context = prepared.pinned, prepared.context
    for name in ("app.py", "vetiver_requirements.txt", "Dockerfile", ".dockerignore"):
        assert (context / name).is_file(), name
    newest = pinned.versions[-1]
    copied = context / "board" / pinned.name
    assert [p.name for p in copied.iterdir()] == [newest]  # only the served version, not the history
    assert f"VETIVER_PIN_VERSION={newest}" in (context / "Dockerfile").read_text()
    assert f"version={newest!r}" in (context / "app.py").read_text()


def test_copied_pin_is_a_board_that_reads_back_the_same_model(prepared):
    pinned, context = prepared.pinned, prepared.context
    bundled = pins.board_folder(str(context / "board"), allow_pickle_read=True)
    assert pinstore.latest_version(bundled, pinned.name) == pinned.versions[-1]
    model = vetiver.VetiverModel.from_pin(bundled, pinned.name)  # hash-verified read
    assert model.model.predict(pinned.rows).tolist() == pinned.models[-1].model.predict(pinned.rows).tolist()


def test_app_file_reads_the_copied_pin_relative_to_itself(prepared, tmp_path):
    import runpy
    import shutil

    moved = tmp_path / "elsewhere"
    shutil.copytree(prepared.context, moved)  # the context works wherever it is built or run
    api = runpy.run_path(str(moved / "app.py"))["api"]
    assert callable(api)


def test_an_explicit_older_version_is_served(pinned, tmp_path):
    context = vetiver.prepare("docker", pinned.board, pinned.name, tmp_path / "ctx", version=pinned.versions[0])
    assert [p.name for p in (context / "board" / pinned.name).iterdir()] == [pinned.versions[0]]
    assert f"VETIVER_PIN_VERSION={pinned.versions[0]}" in (context / "Dockerfile").read_text()


def test_requirements_pin_everything_and_build_local_distributions(prepared):
    import importlib.metadata

    context = prepared.context
    lines = requirement_lines(context)
    assert all("==" in line for line in lines), [line for line in lines if "==" not in line]
    names = {line.split("==")[0] for line in lines}
    assert {"vetiver-core", "vetiver-sklearn", "scikit-learn", "pins", "uvicorn", "numpy", "pandas"} <= names
    assert f"scikit-learn=={importlib.metadata.version('scikit-learn')}" in lines
    assert "vetiver-docker" not in names  # the image serves; it does not build images

    # vetiver-core and vetiver-sklearn come from this checkout, not an index: built as wheels.
    assert "--find-links wheels" in (context / "vetiver_requirements.txt").read_text().splitlines()
    wheels = {p.name.split("-")[0]: p for p in (context / "wheels").glob("*.whl")}
    assert set(wheels) == {"vetiver_core", "vetiver_sklearn"}
    with zipfile.ZipFile(wheels["vetiver_core"]) as archive:
        assert "vetiver/__init__.py" in archive.namelist()
    assert "COPY wheels/ /vetiver/wheels/" in (context / "Dockerfile").read_text()


def test_folder_board_needs_no_storage_packages(prepared):
    names = {line.split("==")[0] for line in requirement_lines(prepared.context)}
    assert not names & {"s3fs", "gcsfs", "adlfs", "rsconnect-python"}


def test_extra_packages_are_pinned_too(pinned, tmp_path):
    context = vetiver.prepare("docker", pinned.board, pinned.name, tmp_path / "ctx", packages="pyyaml, httpx")
    lines = requirement_lines(context)
    assert any(line.startswith("pyyaml==") for line in lines)


def test_existing_context_is_a_clear_error_unless_overwrite(pinned, tmp_path):
    context = vetiver.prepare("docker", pinned.board, pinned.name, tmp_path / "ctx")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        vetiver.prepare("docker", pinned.board, pinned.name, context)
    (context / "notes.txt").write_text("mine")
    vetiver.prepare("docker", pinned.board, pinned.name, context, overwrite=True, version=pinned.versions[0])
    assert [p.name for p in (context / "board" / pinned.name).iterdir()] == [pinned.versions[0]]
    assert (context / "notes.txt").read_text() == "mine"  # only our own files are replaced


def test_pickled_model_without_consent_fails_now_not_at_container_start(tmp_path, monkeypatch):
    monkeypatch.delenv("PINS_ALLOW_PICKLE_READ", raising=False)
    board = pins.board_folder(str(tmp_path / "board"))
    vetiver.vetiver_pin_write(board, fitted(1))
    with pytest.raises(PickleConsentError, match="allow_pickle=True"):
        vetiver.prepare("docker", board, "cars", tmp_path / "ctx")
    assert not (tmp_path / "ctx" / "Dockerfile").exists()
    context = vetiver.prepare("docker", board, "cars", tmp_path / "ctx", allow_pickle=True)
    assert "PINS_ALLOW_PICKLE_READ=1" in (context / "Dockerfile").read_text()


def test_unknown_options_are_refused(pinned, tmp_path):
    with pytest.raises(TypeError, match="replica"):
        vetiver.prepare("docker", pinned.board, pinned.name, tmp_path / "ctx", replica=3)


def test_kubernetes_manifests_are_valid_and_probe_ping(pinned, tmp_path):
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    context = vetiver.prepare(
        "docker",
        pinned.board,
        pinned.name,
        tmp_path / "ctx",
        kubernetes=True,
        image="registry.example/cars:1",
        replicas=2,
        max_replicas=6,
        cpu_request="500m",
    )
    folder = context / "kubernetes"
    manifests = {p.name: yaml.safe_load(p.read_text()) for p in folder.glob("*.yaml")}
    assert set(manifests) == {"deployment.yaml", "service.yaml", "hpa.yaml"}
    for manifest in manifests.values():
        kubernetes_validate.validate(manifest, kubernetes_validate.latest_version(), strict=True)
        assert "&id" not in yaml.safe_dump(manifest)  # plain YAML, no anchors

    pod = manifests["deployment.yaml"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "registry.example/cars:1"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"] == {"path": "/ping", "port": "http"}
    assert container["ports"] == [{"name": "http", "containerPort": 8080}]
    assert container["resources"]["requests"] == {"cpu": "500m", "memory": "512Mi"}
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001  # the image's USER
    assert manifests["deployment.yaml"]["spec"]["replicas"] == 2
    assert "envFrom" not in container  # the pin is in the image: no board credentials needed

    hpa = manifests["hpa.yaml"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == manifests["deployment.yaml"]["metadata"]["name"] == "cars"
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 6)
    service = manifests["service.yaml"]["spec"]
    assert service["selector"] == manifests["deployment.yaml"]["spec"]["selector"]["matchLabels"]


def test_kubernetes_names_and_default_image_are_valid_for_odd_pin_names(tmp_path):
    board = pins.board_folder(str(tmp_path / "board"), allow_pickle_read=True)
    model = fitted(1)
    model.model_name = "Cars_Model.v2"
    version = vetiver.vetiver_pin_write(board, model).version.version
    context = vetiver.prepare("docker", board, "Cars_Model.v2", tmp_path / "ctx", kubernetes=True)
    deployment = yaml.safe_load((context / "kubernetes" / "deployment.yaml").read_text())
    assert deployment["metadata"]["name"] == "cars-model-v2"
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == f"cars-model-v2:{version}"


@pytest.mark.s3
def test_remote_board_is_read_at_start_with_its_storage_package(s3_bucket, moto_endpoint, tmp_path):
    board = vetiver.board(
        f"s3://{s3_bucket}/models", client_kwargs={"endpoint_url": moto_endpoint}, allow_pickle_read=True
    )
    vetiver.vetiver_pin_write(board, fitted(1))
    version = vetiver.vetiver_pin_write(board, fitted(2)).version.version
    context = vetiver.prepare("docker", board, "cars", tmp_path / "ctx", kubernetes=True)

    assert not (context / "board").exists()  # nothing copied: the container reads S3
    dockerfile = (context / "Dockerfile").read_text()
    assert f"VETIVER_BOARD=s3://{s3_bucket}/models" in dockerfile
    assert f"VETIVER_PIN_VERSION={version}" in dockerfile
    assert "COPY board/" not in dockerfile
    names = {line.split("==")[0] for line in requirement_lines(context)}
    assert {"s3fs", "aiobotocore", "botocore"} <= names  # 0.2.6's get_board_pkgs returned []
    assert "testing" not in dockerfile + (context / "app.py").read_text()  # no credentials written
    deployment = yaml.safe_load((context / "kubernetes" / "deployment.yaml").read_text())
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["envFrom"] == [{"secretRef": {"name": "cars-board", "optional": True}}]


@pytest.mark.s3
def test_remote_board_url_can_be_overridden_and_pins_bundled(s3_bucket, moto_endpoint, tmp_path):
    board = vetiver.board(
        f"s3://{s3_bucket}/models", client_kwargs={"endpoint_url": moto_endpoint}, allow_pickle_read=True
    )
    version = vetiver.vetiver_pin_write(board, fitted(1)).version.version
    context = vetiver.prepare("docker", board, "cars", tmp_path / "ctx", board_url="s3://other/models")
    assert "VETIVER_BOARD=s3://other/models" in (context / "Dockerfile").read_text()
    bundled = vetiver.prepare("docker", board, "cars", tmp_path / "ctx2", bundle=True)
    assert (bundled / "board" / "cars" / version / "data.txt").exists()
    names = {line.split("==")[0] for line in requirement_lines(bundled)}
    assert "s3fs" not in names


def test_a_pin_written_by_0_2_6_is_prepared(legacy_vetiver, tmp_path):
    legacy_vetiver.run(
        f"""
        import json, pins, vetiver
        from sklearn.linear_model import LinearRegression
        X, y = vetiver.get_mock_data()
        board = pins.board_folder({str(tmp_path / "board")!r}, allow_pickle_read=True)
        vetiver.vetiver_pin_write(board, vetiver.VetiverModel(LinearRegression().fit(X, y), "old", prototype_data=X))
        print(json.dumps(board.pin_meta("old").user))
        """
    )
    board = pins.board_folder(str(tmp_path / "board"), allow_pickle_read=True)
    context = vetiver.prepare("docker", board, "old", tmp_path / "ctx")
    names = {line.split("==")[0] for line in requirement_lines(context)}
    assert {"vetiver-sklearn", "scikit-learn"} <= names  # the plugin found from required_pkgs
    assert "vetiver" not in names  # 0.2.6's own distribution would clash with vetiver-core
