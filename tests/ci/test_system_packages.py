"""The nox ``system`` session (tools/system_packages.py) on machines that lack the Debian packages.

A dpkg database folder of the test's own (``VETIVER_DPKG_INFO``) stands for a machine without
Chromium, Docker or wrk. ``apt-get`` is either absent from PATH or a stand-in script that records its
arguments and "installs" by writing the dpkg ``.list`` files (the real one would change this
machine).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "system_packages.py"
# Every Debian package the tiers' tests/requirements/*-apt.txt files name, sorted.
WANTED = sorted(
    {
        line.split("#")[0].strip()
        for path in (ROOT / "tests" / "requirements").glob("*-apt.txt")
        for line in path.read_text().splitlines()
        if line.split("#")[0].strip()
    }
)


def _without(*installed: str) -> str:
    """The wanted packages but ``installed``, as the script lists them."""
    return " ".join(p for p in WANTED if p not in installed)


FAKE_APT_GET = """#!/bin/sh
echo "$@" >> "{log}"
[ "$1" = install ] || exit 0
for arg in "$@"; do case "$arg" in -*|install) ;; {installable}) touch "{info}/$arg.list" ;; esac; done
[ -n "{fails}" ] && exit 100
exit 0
"""


def run(info: Path, path: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VETIVER_DPKG_INFO": str(info), "PATH": path}
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=60)


def fake_apt_get(folder: Path, info: Path, installable: str = "*", fails: bool = False) -> Path:
    folder.mkdir()
    script = folder / "apt-get"
    script.write_text(
        FAKE_APT_GET.format(log=folder / "calls", info=info, installable=installable, fails="yes" if fails else "")
    )
    script.chmod(0o755)
    return folder


def test_without_apt_get_it_says_what_is_missing_and_how_to_install_it(tmp_path):
    info = tmp_path / "dpkg"
    info.mkdir()
    result = run(info, str(tmp_path / "empty-path"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"not installed: {' '.join(WANTED)} (installing needs root and apt-get)" in out
    assert "the docker tier will be skipped with the reason (it needs docker.io mmdebstrap)" in out
    assert "the serving tier will be skipped with the reason (it needs chromium wrk)" in out
    assert f"sudo apt-get install -y --no-install-recommends {' '.join(WANTED)}" in out


def test_not_root_it_installs_nothing(tmp_path, capsys):
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import system_packages
    finally:
        sys.path.remove(str(SCRIPT.parent))
    info = tmp_path / "dpkg"
    info.mkdir()
    (info / "wrk:amd64.list").touch()  # dpkg's multi-arch spelling counts as installed
    os.environ["VETIVER_DPKG_INFO"] = str(info)
    try:
        assert system_packages.main([], is_root=False) == 0
    finally:
        del os.environ["VETIVER_DPKG_INFO"]
    out = capsys.readouterr().out
    assert f"not installed: {_without('wrk')} (installing needs root and apt-get)" in out
    assert "it needs chromium)" in out


def test_with_apt_get_it_installs_only_the_missing_packages(tmp_path):
    info = tmp_path / "dpkg"
    info.mkdir()
    (info / "wrk.list").touch()
    bin_dir = fake_apt_get(tmp_path / "bin", info)
    result = run(info, f"{bin_dir}:/usr/bin:/bin")
    assert result.returncode == 0, result.stderr
    calls = (bin_dir / "calls").read_text().splitlines()
    assert calls == ["update -qq", f"install -y -qq --no-install-recommends {_without('wrk')}"]
    assert f"installed {_without('wrk')}" in result.stdout


def test_a_failed_install_names_what_is_still_missing(tmp_path):
    info = tmp_path / "dpkg"
    info.mkdir()
    bin_dir = fake_apt_get(tmp_path / "bin", info, installable="wrk|chromium", fails=True)
    result = run(info, f"{bin_dir}:/usr/bin:/bin")
    assert result.returncode == 0, result.stderr
    assert "apt-get install failed (100)" in result.stdout
    assert f"not installed: {_without('wrk', 'chromium')} (apt-get could not install them)" in result.stdout
    assert "the docker tier will be skipped" in result.stdout and "serving tier" not in result.stdout


def test_nothing_missing_is_one_line(tmp_path):
    info = tmp_path / "dpkg"
    info.mkdir()
    for package in WANTED:
        (info / f"{package}.list").touch()
    result = run(info, "")
    assert result.stdout.strip() == f"system packages present: {' '.join(WANTED)}"
