"""Install the Debian packages the slow test tiers need, or say exactly what cannot be installed.

The packages are listed in ``tests/requirements/<tier>-apt.txt`` (one per line, ``#`` comments).
Run as root on Debian/Ubuntu it installs the missing ones with apt-get; anywhere else (not root,
no apt-get, no mirror) it prints which packages are missing, which tiers will be skipped because of
them and the command that would install them, and succeeds: those tiers skip with the reason.

    python3 tools/system_packages.py [--dry-run]

The nox ``system`` session runs this. ``VETIVER_DPKG_INFO`` points at another dpkg database
folder (default ``/var/lib/dpkg/info``), so it can be exercised without touching this machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "tests" / "requirements"
APT_ENV = {"DEBIAN_FRONTEND": "noninteractive"}

Log = Callable[[str], None]


def wanted(folder: Path = REQUIREMENTS) -> dict[str, list[str]]:
    """Tier name -> the Debian packages its ``<tier>-apt.txt`` lists."""
    tiers: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*-apt.txt")):
        lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
        tiers[path.name.removesuffix("-apt.txt")] = [line for line in lines if line]
    return tiers


def dpkg_info() -> Path:
    return Path(os.environ.get("VETIVER_DPKG_INFO", "/var/lib/dpkg/info"))


def is_installed(package: str, info: Path) -> bool:
    """dpkg keeps ``<package>.list`` (or ``<package>:<arch>.list``) for each installed package."""
    return (info / f"{package}.list").exists() or any(info.glob(f"{package}:*.list"))


def missing(tiers: dict[str, list[str]], info: Path) -> list[str]:
    return sorted({p for packages in tiers.values() for p in packages if not is_installed(p, info)})


def explain(tiers: dict[str, list[str]], absent: Sequence[str], why: str, warn: Log) -> None:
    """Say what is not installed, why, which tiers skip because of it and how to install it."""
    warn(f"not installed: {' '.join(absent)} ({why})")
    for tier, packages in tiers.items():
        lacking = [p for p in packages if p in absent]
        if lacking:
            warn(f"  the {tier} tier will be skipped with the reason (it needs {' '.join(lacking)})")
    warn(f"  to install them: sudo apt-get install -y --no-install-recommends {' '.join(absent)}")


def install(packages: Sequence[str], apt_get: str, log: Log) -> None:
    log(f"installing {' '.join(packages)} with apt-get")
    env = {**os.environ, **APT_ENV}
    update = subprocess.run([apt_get, "update", "-qq"], env=env, capture_output=True, text=True)
    if update.returncode != 0:  # a stale or unreachable mirror: try the install anyway
        log(f"apt-get update failed ({update.returncode}): {_last_line(update)}")
    command = [apt_get, "install", "-y", "-qq", "--no-install-recommends", *packages]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        log(f"apt-get install failed ({result.returncode}): {_last_line(result)}")


def _last_line(result: subprocess.CompletedProcess) -> str:
    lines = (result.stderr or result.stdout or "").strip().splitlines()
    return lines[-1] if lines else "no output"


def main(
    argv: Sequence[str] | None = None,
    log: Log = print,
    warn: Log = print,
    is_root: bool | None = None,
) -> int:
    """Install what is missing where possible; always report what is still missing. Returns 0:
    a tier whose packages are absent skips, it does not fail the run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="only say what is missing")
    args = parser.parse_args(argv)
    tiers, info = wanted(), dpkg_info()
    absent = missing(tiers, info)
    if not absent:
        log("system packages present: " + " ".join(sorted({p for ps in tiers.values() for p in ps})))
        return 0
    root = os.geteuid() == 0 if is_root is None else is_root
    apt_get = shutil.which("apt-get")
    if args.dry_run:
        explain(tiers, absent, "dry run", warn)
    elif not root or apt_get is None:
        explain(tiers, absent, "installing needs root and apt-get", warn)
    else:
        install(absent, apt_get, log)
        still = missing(tiers, info)
        if still:
            explain(tiers, still, "apt-get could not install them", warn)
        else:
            log(f"installed {' '.join(absent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
