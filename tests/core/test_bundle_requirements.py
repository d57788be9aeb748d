"""Pinned requirements: the installed closure, markers for Linux, extras, no pip-compile."""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from vetiver.bundle.requirements import render, resolve, target_environment


def _dist(site: Path, name: str, version: str, requires: list[str], direct_url: str | None = None) -> None:
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    (info / "METADATA").write_text("\n".join(lines) + "\n")
    if direct_url:
        (info / "direct_url.json").write_text(direct_url)


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """Made-up installed distributions, found by importlib.metadata like pip-installed ones."""
    site = tmp_path / "site"
    _dist(
        site,
        "top-app",
        "1.0",
        [
            'linux-only>=1; sys_platform == "linux"',
            'windows-only; sys_platform == "win32"',
            "with-extras[fast]==2.0",
            'not-installed; python_version >= "3"',
        ],
    )
    _dist(site, "linux-only", "1.5", [])
    _dist(site, "windows-only", "3.0", [])
    _dist(site, "with-extras", "2.0", ['fast-dep; extra == "fast"', 'slow-dep; extra == "slow"', "top-app"])
    _dist(site, "fast-dep", "0.1", [])
    _dist(site, "slow-dep", "0.2", [])
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    return site


def test_closure_follows_linux_markers_and_requested_extras(site):
    found = {d.name: d for d in resolve(["top-app"])}
    assert set(found) == {"top-app", "linux-only", "with-extras", "fast-dep", "not-installed"}
    assert found["linux-only"].version == "1.5"
    assert found["fast-dep"].required_by == {"with-extras"}
    assert found["top-app"].required_by == {"-r roots", "with-extras"}  # cycles end
    assert found["not-installed"].version is None


def test_rendered_file_pins_installed_versions_and_says_why(site):
    text = render(resolve(["top-app"]), header="for a test")
    lines = text.splitlines()
    assert lines[0] == "# for a test"
    assert "linux-only==1.5" in lines and "with-extras==2.0" in lines
    assert "not-installed" in lines  # pip resolves what is not installed here
    assert "    # via with-extras" in lines
    assert "--find-links" not in text


def test_a_root_pinned_to_another_version_warns_and_gets_the_installed_one(site):
    with pytest.warns(UserWarning, match="1.5 is installed here"):
        found = resolve(["linux-only==1.0"])
    assert found[0].version == "1.5"


def test_target_is_linux_whatever_the_host():
    environment = target_environment()
    assert (environment["sys_platform"], environment["platform_system"], environment["os_name"]) == (
        "linux",
        "Linux",
        "posix",
    )
    assert environment["python_version"] == f"{sys.version_info.major}.{sys.version_info.minor}"


def test_local_distributions_are_marked_and_rendered_from_wheels(site):
    _dist(
        site, "local-thing", "0.9", [], direct_url='{"url": "file:///src/local-thing", "dir_info": {"editable": true}}'
    )
    importlib.invalidate_caches()
    found = resolve(["local-thing"])
    assert found[0].direct_url["url"] == "file:///src/local-thing"
    text = render(found, header="h", wheels={"local-thing": ("0.9.1", "local_thing-0.9.1-py3-none-any.whl")})
    assert "--find-links wheels" in text.splitlines()
    assert "local-thing==0.9.1" in text.splitlines()  # the version built, not the stale install


def test_the_real_app_closure_is_complete_and_pinned():
    """Every requirement of every listed distribution (for Linux) is itself listed and pinned."""
    found = {d.name: d for d in resolve(["vetiver-core", "vetiver-sklearn"])}
    assert {"vetiver-core", "vetiver-sklearn", "scikit-learn", "pins", "numpy", "uvicorn"} <= set(found)
    environment = target_environment()
    for dist in found.values():
        assert dist.version == importlib.metadata.version(dist.name)
        for line in importlib.metadata.distribution(dist.name).requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({**environment, "extra": ""}):
                assert canonicalize_name(requirement.name) in found, f"{dist.name} needs {line}"


def test_local_wheels_are_cached_by_source_fingerprint(prepared, tmp_path, monkeypatch):
    from vetiver_docker import wheels

    local = [d for d in resolve(["vetiver-core"]) if d.direct_url]
    assert [d.name for d in local] == ["vetiver-core"]  # an editable checkout in the test environment

    def no_pip(*args):
        raise AssertionError("rebuilt a wheel whose source did not change")

    monkeypatch.setattr(wheels, "_pip_wheel", no_pip)
    built = wheels.build_wheels(local, tmp_path / "wheels")  # `prepared` built it already
    assert (tmp_path / "wheels" / built["vetiver-core"][1]).is_file()


def test_fingerprint_follows_source_files_not_caches(tmp_path):
    from vetiver.bundle.wheels import fingerprint

    source = tmp_path / "proj"
    (source / "src").mkdir(parents=True)
    (source / "src" / "mod.py").write_text("x = 1\n")
    direct_url = {"url": source.as_uri(), "dir_info": {"editable": True}}
    first = fingerprint(direct_url)
    (source / "__pycache__").mkdir()
    (source / "__pycache__" / "mod.pyc").write_bytes(b"junk")
    assert fingerprint(direct_url) == first
    (source / "src" / "mod.py").write_text("x = 22\n")
    assert fingerprint(direct_url) != first
    assert fingerprint({"url": "https://example.invalid/x.tar.gz", "archive_info": {}}) is None
    vcs = {"url": "https://example.invalid/r.git", "vcs_info": {"vcs": "git", "commit_id": "abc"}}
    assert fingerprint(vcs) != fingerprint({**vcs, "vcs_info": {"vcs": "git", "commit_id": "abd"}})


def test_local_version_labels_are_not_pinned(site):
    _dist(site, "torchish", "2.13.0+cpu", [])
    importlib.invalidate_caches()
    found = resolve(["torchish==2.13.0"])  # what the pin records: no warning, the same release
    assert "torchish==2.13.0" in render(found, header="h").splitlines()
