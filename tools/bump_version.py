"""Set one version on vetiver-core and every plugin together, or check that they agree.

Each distribution's version has one source: the file its ``pyproject.toml`` names under
``[tool.hatch.version] path`` (``__version__ = "..."``); the version in ``pyproject.toml`` is
dynamic. Plugins (and the example plugin) require ``vetiver-core>=MAJOR.MINOR,<next``: a bump to a
new minor version moves that range too, so a plugin never allows a core it was not released with.

    python3 tools/bump_version.py 0.4.0     # write the new version everywhere
    python3 tools/bump_version.py --check   # exit 1, naming the file, if anything disagrees
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.compile(r'^__version__ = "([^"]+)"$', re.MULTILINE)
HATCH_PATH = re.compile(r'^\[tool\.hatch\.version\]\s*\npath = "([^"]+)"', re.MULTILINE)
CORE_RANGE = re.compile(r'"vetiver-core>=[^"]*"')
RELEASE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def released_together() -> list[Path]:
    """The folders of the distributions released together: core and each plugin."""
    return [ROOT / "core", *sorted(p for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").exists())]


def depending_on_core() -> list[Path]:
    """pyproject.toml files that require vetiver-core (plugins and the example plugin)."""
    folders = [*released_together()[1:], *sorted((ROOT / "examples").glob("*/"))]
    return [f / "pyproject.toml" for f in folders if (f / "pyproject.toml").exists()]


def version_file(folder: Path) -> Path:
    pyproject = (folder / "pyproject.toml").read_text()
    match = HATCH_PATH.search(pyproject)
    if match is None or 'dynamic = ["version"]' not in pyproject:
        raise SystemExit(
            f"{folder / 'pyproject.toml'}: the version must be dynamic, read from [tool.hatch.version] path"
        )
    return folder / match.group(1)


def core_range(version: str) -> str:
    major, minor, _ = RELEASE.match(version).groups()  # type: ignore[union-attr]
    upper = f"{int(major) + 1}.0" if major != "0" else f"0.{int(minor) + 1}"
    return f'"vetiver-core>={major}.{minor},<{upper}"'


def check() -> list[str]:
    """Every disagreement, as 'file: problem' lines."""
    problems, versions = [], {}
    for folder in released_together():
        path = version_file(folder)
        match = VERSION.search(path.read_text())
        if match is None:
            problems.append(f"{path.relative_to(ROOT)}: no __version__ line")
            continue
        versions[path] = match.group(1)
    core_version = versions.get(version_file(ROOT / "core"))
    for path, version in versions.items():
        if version != core_version:
            problems.append(f"{path.relative_to(ROOT)}: {version}, but vetiver-core is {core_version}")
    if core_version and RELEASE.match(core_version):
        wanted = core_range(core_version)
        for pyproject in depending_on_core():
            found = CORE_RANGE.findall(pyproject.read_text())
            if found != [wanted]:
                problems.append(
                    f"{pyproject.relative_to(ROOT)}: requires {', '.join(found) or 'no vetiver-core'}, not {wanted}"
                )
    return problems


def bump(version: str) -> list[Path]:
    """Write ``version`` to every version file and the matching core range to every dependant."""
    if not RELEASE.match(version):
        raise SystemExit(f"{version!r} is not a MAJOR.MINOR.PATCH version")
    changed = []
    for folder in released_together():
        path = version_file(folder)
        text = path.read_text()
        changed += _write(path, VERSION.sub(f'__version__ = "{version}"', text, count=1), text)
    for pyproject in depending_on_core():
        text = pyproject.read_text()
        changed += _write(pyproject, CORE_RANGE.sub(core_range(version), text), text)
    return changed


def _write(path: Path, new: str, old: str) -> list[Path]:
    if new == old:
        return []
    path.write_text(new)
    return [path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("version", nargs="?", help="the new version, MAJOR.MINOR.PATCH")
    group.add_argument("--check", action="store_true", help="only check that the versions agree")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    for path in bump(args.version):
        print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
