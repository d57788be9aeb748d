"""tools/bump_version.py on a small tree laid out like this repository (core, two plugins, an
example), and --check on the repository itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import bump_version  # noqa: E402 - tools/ is not a package

sys.path.remove(str(ROOT / "tools"))

PYPROJECT = """[project]
name = "{name}"
dynamic = ["version"]
dependencies = [{deps}]

[tool.hatch.version]
path = "{path}"
"""


def distribution(folder: Path, name: str, module: str, version: str, core_range: str | None) -> None:
    deps = f'"{core_range}", "packaging"' if core_range else '"pluggy"'
    (folder / "src" / module).mkdir(parents=True)
    (folder / "pyproject.toml").write_text(PYPROJECT.format(name=name, deps=deps, path=f"src/{module}/__init__.py"))
    (folder / "src" / module / "__init__.py").write_text(f'"""{name}."""\n\n__version__ = "{version}"\n')


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    distribution(tmp_path / "core", "vetiver-core", "vetiver", "0.3.0", None)
    distribution(tmp_path / "plugins" / "vetiver-a", "vetiver-a", "vetiver_a", "0.3.0", "vetiver-core>=0.3,<0.4")
    distribution(tmp_path / "plugins" / "vetiver-b", "vetiver-b", "vetiver_b", "0.3.0", "vetiver-core>=0.3,<0.4")
    example = tmp_path / "examples" / "vetiver-example"
    example.mkdir(parents=True)
    (example / "pyproject.toml").write_text('[project]\nversion = "0.1.0"\ndependencies = ["vetiver-core>=0.3,<0.4"]\n')
    monkeypatch.setattr(bump_version, "ROOT", tmp_path)
    return tmp_path


def test_a_consistent_tree_passes(tree):
    assert bump_version.check() == []


def test_bump_moves_every_version_and_the_core_range(tree):
    changed = bump_version.bump("0.4.0")
    assert len(changed) == 6  # three version files, two plugins' and the example's requirements
    assert bump_version.check() == []
    assert '__version__ = "0.4.0"' in (tree / "plugins/vetiver-b/src/vetiver_b/__init__.py").read_text()
    assert '"vetiver-core>=0.4,<0.5", "packaging"' in (tree / "plugins/vetiver-a/pyproject.toml").read_text()
    assert 'version = "0.1.0"' in (tree / "examples/vetiver-example/pyproject.toml").read_text()


def test_a_patch_release_keeps_the_range(tree):
    assert len(bump_version.bump("0.3.1")) == 3
    assert bump_version.check() == []


def test_check_names_what_disagrees(tree):
    path = tree / "plugins/vetiver-a/src/vetiver_a/__init__.py"
    path.write_text(path.read_text().replace("0.3.0", "0.3.9"))
    assert bump_version.check() == ["plugins/vetiver-a/src/vetiver_a/__init__.py: 0.3.9, but vetiver-core is 0.3.0"]


def test_a_static_version_is_refused(tree):
    path = tree / "plugins/vetiver-b/pyproject.toml"
    path.write_text(path.read_text().replace('dynamic = ["version"]', 'version = "0.3.0"'))
    with pytest.raises(SystemExit, match="the version must be dynamic"):
        bump_version.check()


def test_the_repository_agrees_with_itself():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "bump_version.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
