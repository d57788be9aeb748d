"""0.2.6's functions: ``prepare_docker``, and ``write_app`` + ``load_pkgs`` + ``write_docker`` for
custom code, on their 0.2.6 import paths."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import vetiver


def test_prepare_docker_is_the_docker_target(pinned, tmp_path):
    from vetiver.write_docker import prepare_docker

    context = prepare_docker(pinned.board, pinned.name, path=tmp_path / "ctx", port="9000")
    assert {"app.py", "vetiver_requirements.txt", "Dockerfile"} <= {p.name for p in context.iterdir()}
    assert "EXPOSE 9000" in (context / "Dockerfile").read_text()


def test_custom_code_path_write_app_load_pkgs_write_docker(pinned, tmp_path):
    """The 0.2.6 recipe for custom code: the image serves the (edited) app file."""
    folder = tmp_path / "ctx"
    folder.mkdir()
    vetiver.write_app(pinned.board, pinned.name, file=folder / "app.py")
    requirements = vetiver.load_pkgs(pinned.models[-1], packages=["pyyaml"], path=f"{folder}/vetiver_")
    dockerfile = vetiver.write_docker(app_file="app.py", path=folder, port=8123)

    assert requirements == folder / "vetiver_requirements.txt"
    lines = requirements.read_text().splitlines()
    assert {"scikit-learn", "vetiver-core", "vetiver-sklearn", "pyyaml"} <= {line.split("==")[0] for line in lines}
    assert (folder / "wheels").is_dir()

    text = dockerfile.read_text()
    assert "COPY app.py /vetiver/app.py" in text
    assert "COPY wheels/ /vetiver/wheels/" in text
    assert "exec uvicorn app:api" in text and "EXPOSE 8123" in text
    assert "!app.py" in (folder / ".dockerignore").read_text().splitlines()
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if hadolint:
        assert subprocess.run([hadolint, str(dockerfile)], capture_output=True).returncode == 0


def test_load_pkgs_never_needs_pip_compile(prepared, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # no pip-compile anywhere
    written = vetiver.load_pkgs(prepared.pinned.models[-1], path=f"{tmp_path}/")
    assert written == tmp_path / "requirements.txt" and "scikit-learn==" in written.read_text()


def test_write_docker_refuses_to_replace_a_dockerfile(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        vetiver.write_docker(path=tmp_path)
    vetiver.write_docker(path=tmp_path, overwrite=True)
    assert "vetiver" in (tmp_path / "Dockerfile").read_text()


def test_deprecated_write_docker_name(tmp_path):
    from vetiver.write_docker import vetiver_write_docker

    with pytest.warns(DeprecationWarning):
        vetiver_write_docker(path=tmp_path)
    assert (tmp_path / "Dockerfile").exists()


def test_without_the_plugin_the_error_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "vetiver_docker.compat", None)  # as if not installed
    with pytest.raises(ImportError, match="pip install vetiver-docker"):
        vetiver.write_docker(path=tmp_path)


def test_load_pkgs_needs_no_docker_plugin(pinned, tmp_path, monkeypatch):
    """Requirements are the deploy toolkit's (vetiver.bundle), not Docker's: Connect and SageMaker
    bundles need the same file. 0.2.6's import path keeps working."""
    from vetiver.attach_pkgs import load_pkgs

    monkeypatch.setitem(sys.modules, "vetiver_docker", None)
    written = load_pkgs(pinned.models[-1], path=f"{tmp_path}/")
    assert "vetiver-sklearn==" in written.read_text()
