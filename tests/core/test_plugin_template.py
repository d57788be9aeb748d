"""``vetiver plugin new``: the template becomes a plugin whose own tests pass once installed.

The new plugin is installed, offline, into a fresh virtual environment: the plugin and
vetiver-core are built from source there (``pip --no-index --no-build-isolation``, hatchling from
this environment), and its third-party dependencies (pandas, pins, pytest ...) are read from this
test environment, which the fresh one adds as a site directory instead of downloading them."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import tomllib

from vetiver.cli.plugin import PluginTemplateError, new_plugin

ROOT = Path(__file__).resolve().parents[2]
VETIVER = str(Path(sys.executable).with_name("vetiver"))


def test_template_files_and_names(tmp_path):
    folder = new_plugin("light-gbm", tmp_path)
    assert folder == tmp_path / "vetiver-light-gbm"
    project = tomllib.loads((folder / "pyproject.toml").read_text())
    assert project["project"]["name"] == "vetiver-light-gbm"
    assert project["project"]["entry-points"]["vetiver"] == {"light-gbm": "vetiver_light_gbm"}
    assert project["project"]["dependencies"][0].startswith("vetiver-core>=0.")
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert files == {
        "pyproject.toml", "README.md", "tests/test_conformance.py",
        *(f"src/vetiver_light_gbm/{m}.py" for m in ("__init__", "handler", "formats", "model")),
    }  # fmt: skip
    text = "".join(p.read_text() for p in folder.rglob("*") if p.is_file())
    assert "PLUGIN" not in text and "COREVERSION" not in text
    for source in folder.rglob("*.py"):
        compile(source.read_text(), str(source), "exec")


def test_bad_names_and_existing_folders_are_clear_errors(tmp_path):
    with pytest.raises(PluginTemplateError, match="lower-case"):
        new_plugin("Light GBM", tmp_path)
    new_plugin("lightgbm", tmp_path)
    with pytest.raises(PluginTemplateError, match="not empty"):
        new_plugin("lightgbm", tmp_path)
    result = subprocess.run(
        [VETIVER, "plugin", "new", "lightgbm", "--path", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "not empty" in result.stderr


def _fresh_venv(folder: Path) -> Path:
    """A new virtual environment that sees this environment's packages as a site directory."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    python = folder / "bin" / "python"
    site_packages = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                   capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    # addsitedir (not a bare path) so this environment's own .pth files, editable installs, apply.
    ours = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    lines = "".join(f"import site; site.addsitedir({path!r})\n" for path in ours)
    Path(site_packages, "zz_test_environment.pth").write_text(lines)
    return python


@pytest.mark.slow
def test_a_new_plugin_installs_and_passes_its_own_tests(tmp_path):
    pytest.importorskip("hatchling", reason="hatchling (tests/requirements/core.txt) builds the plugin offline")
    pytest.importorskip("pip", reason="pip installs the plugin into the fresh environment")
    result = subprocess.run(
        [VETIVER, "plugin", "new", "lightgbm", "--path", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    plugin = tmp_path / "vetiver-lightgbm"

    python = _fresh_venv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"} and not k.startswith("PINS_")}
    install = [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--no-build-isolation",
               "--disable-pip-version-check", str(ROOT / "core"), str(plugin)]  # fmt: skip
    installed = subprocess.run(install, capture_output=True, text=True, timeout=600, env=env)
    assert installed.returncode == 0, installed.stderr
    assert (tmp_path / "venv" / "bin" / "vetiver").exists()  # the console script the suite runs

    tests = subprocess.run([str(python), "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests"],
                           cwd=plugin, capture_output=True, text=True, timeout=900, env=env)  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout and "failed" not in tests.stdout
