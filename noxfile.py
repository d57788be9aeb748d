"""Test, lint and docs sessions for the vetiver monorepo.

``nox`` (no arguments) runs what CI runs (``.ci/run``), each test exactly once:

- ``system``: the Debian packages some test tiers need (Docker engine, Chromium, wrk), when root;
- ``lint``, ``typecheck``, ``docs``: ruff (rules and formatting), mypy, the strict docs build;
- ``wheels``: every distribution's wheel, built once into ``dist/``;
- ``install``: a fresh virtual environment installs ``vetiver-core vetiver-xgboost`` by name from
  ``dist/`` with no index (the install line of the README, before anything is published);
- ``suite``: every test folder but ``tests/plugins`` (core, cross-plugin, ...), with every plugin
  installed together, so plugins are proven to coexist;
- ``plugin(<name>)``: ``tests/plugins/<name>`` in an environment holding only vetiver-core and that
  plugin, installed from the wheels in ``dist/``, so each plugin is proven to work alone and as
  packaged. A plugin's tests run here only, never in ``suite``.

New plugins (``plugins/<dist>/pyproject.toml``) and new test folders (``tests/<folder>/``,
``tests/plugins/<name>/``) are picked up without editing this file; a plugin without a test folder,
a test folder without a plugin and a test path that collects nothing all fail the run.

Installs use uv when it is on PATH (``.ci/run`` installs it). One install step per environment, with
``tests/requirements/constraints.txt``: torch resolves to the CPU build in the same step as the
plugins that need it, so no CUDA wheel is ever downloaded (docs/ci.md: what a machine whose only
torch source is PyPI needs).
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

import nox

ROOT = Path(__file__).parent
TESTS = ROOT / "tests"
REQUIREMENTS = TESTS / "requirements"
CONSTRAINTS = REQUIREMENTS / "constraints.txt"
OVERRIDES = REQUIREMENTS / "overrides.txt"
DIST = ROOT / "dist"
CORE = ROOT / "core"
EXAMPLE = ROOT / "examples" / "vetiver-example"
# Folders under tests/ that are not a test tier of the suite session.
NOT_SUITE = {"plugins", "examples", "install", "requirements", "support", "__pycache__"}
# Requirement files under tests/requirements that are not pip requirements of the suite.
NOT_PIP = {CONSTRAINTS.name, OVERRIDES.name, "install.txt"}
# Example third-party plugins with a test folder of their own (tests/examples/<name>_example).
EXAMPLES = sorted(
    p.name.removeprefix("vetiver-")
    for p in (ROOT / "examples").iterdir()
    if (TESTS / "examples" / f"{p.name.removeprefix('vetiver-')}_example").is_dir()
)
# --durations: the slowest tests of every session are listed in the CI output.
PYTEST = ("python", "-m", "pytest", "-p", "no:cacheprovider", "--durations=20")

sys.path.insert(0, str(ROOT / "tools"))
import system_packages  # noqa: E402 - tools/ is not a package; the system session's logic lives there

nox.options.sessions = ["system", "lint", "typecheck", "docs", "wheels", "install", "suite", "plugin", "example"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.default_venv_backend = "uv|virtualenv"


def _plugins() -> dict[str, Path]:
    """Short name (``xgboost``) -> folder of every plugin distribution under plugins/."""
    folders = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").exists())
    return {p.name.removeprefix("vetiver-"): p for p in folders}


PLUGINS = _plugins()


def _pip_find_links() -> list[str]:
    """The ``find-links`` of pip's own configuration (uv does not read pip.conf; the local CPU
    torch wheel may only be reachable this way)."""
    links = os.environ.get("PIP_FIND_LINKS", "").split()
    parser = configparser.ConfigParser()
    parser.read(
        [
            "/etc/pip.conf",
            Path.home() / ".pip" / "pip.conf",
            Path.home() / ".config" / "pip" / "pip.conf",
            *filter(None, [os.environ.get("PIP_CONFIG_FILE")]),
        ]
    )
    for section in ("global", "install"):
        links += parser.get(section, "find-links", fallback="").split()
    return list(dict.fromkeys(links))


def _uses_uv(session: nox.Session) -> bool:
    return getattr(session.virtualenv, "venv_backend", "") == "uv"


def _install(session: nox.Session, *args: str) -> None:
    """One install step under the repository's constraints (and the pip config's find-links)."""
    options = ["-c", str(CONSTRAINTS)]
    for link in _pip_find_links():
        options += ["--find-links", link]
    if _uses_uv(session):
        options += ["--override", str(OVERRIDES)]
    # pip: the docker plugin builds wheels and the docker tier downloads them with it
    session.install("pip", *args, *options)


def _requirements(*files: Path) -> list[str]:
    return [arg for path in files if path.exists() for arg in ("-r", str(path))]


def _test_folders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in NOT_SUITE and any(p.rglob("test_*.py")))


def _pytest(session: nox.Session, paths: Iterable[Path], **kwargs) -> None:
    # No success_codes: pytest's exit 5 (nothing collected) fails the session, and the collection
    # guard fails it when any one of several paths collects nothing.
    session.run(*PYTEST, *(str(p.relative_to(ROOT)) for p in paths), *session.posargs, **kwargs)


def _project_name(distribution: Path) -> str:
    """The distribution's name as wheel file names spell it (``vetiver_core``)."""
    match = re.search(r'^name = "([^"]+)"', (distribution / "pyproject.toml").read_text(), re.MULTILINE)
    if match is None:
        raise ValueError(f"{distribution}/pyproject.toml has no project name")
    return match.group(1).replace("-", "_")


def _wheel(distribution: Path) -> Path:
    """The wheel the wheels session built for the distribution in ``distribution``."""
    name = _project_name(distribution)
    wheels = sorted(DIST.glob(f"{name}-*.whl"))
    if len(wheels) != 1:
        raise FileNotFoundError(f"expected one {name} wheel in dist/, found {len(wheels)}: run nox -s wheels")
    return wheels[0]


@nox.session(python=False)
def system(session: nox.Session) -> None:
    """Install the Debian packages test tiers need (Docker engine, Chromium, wrk) when root."""
    system_packages.main([], log=session.log, warn=session.warn)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff's rules (complexity included) and formatting over every package, tests and examples; one
    version for core and the plugins."""
    session.install("ruff==0.17.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("python", "tools/bump_version.py", "--check")  # core and plugins share one version


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy over core and every plugin, installed with their dependencies (their types are used)."""
    packages = [arg for folder in [CORE, *PLUGINS.values()] for arg in ("-e", str(folder))]
    # pytest: vetiver.testing is a pytest plugin
    typing = ["mypy==2.4.1", "pandas-stubs==3.1.0.261029", "types-PyYAML==6.0.12.20261122", "pytest==9.2.0"]
    _install(session, *typing, *packages)
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site strictly: broken links, missing pages and docstring problems
    fail. The site's pages, links, search and code examples are tested in tests/docs (session suite)."""
    # vetiver-core for the API and CLI references, generated from its code at build time.
    _install(session, str(CORE), *_requirements(REQUIREMENTS / "docs.txt"))
    site = str(Path(session.create_tmp()) / "site")
    session.run("mkdocs", "build", "--strict", "--site-dir", site, env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session(python=False)
def wheels(session: nox.Session) -> None:
    """Build every distribution's wheel into dist/ (other sessions install these)."""
    DIST.mkdir(exist_ok=True)
    distributions = [CORE, *PLUGINS.values()]
    for folder in distributions:
        for stale in DIST.glob(f"{_project_name(folder)}-*.whl"):
            stale.unlink()
    for folder in distributions:
        if shutil.which("uv"):
            session.run("uv", "build", "--quiet", "--wheel", "--out-dir", str(DIST), str(folder))
        else:
            session.run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(DIST), str(folder))


@nox.session(requires=["wheels"])
def install(session: nox.Session) -> None:
    """``pip install vetiver-core vetiver-xgboost`` by name from dist/, with no index, in a fresh venv.

    The dependency wheels are downloaded into dist/ first (by name too: only dist/ has vetiver's),
    so dist/ ends up an offline wheelhouse for those two distributions."""
    # vetiver-core here too: the suite's conftest imports it (the test's fresh venv has its own)
    _install(session, str(_wheel(CORE)), *_requirements(REQUIREMENTS / "install.txt"))
    names = ["vetiver-core", "vetiver-xgboost"]
    session.run(
        "python",
        "-m",
        "pip",
        "download",
        "--quiet",
        "--dest",
        str(DIST),
        "--find-links",
        str(DIST),
        "-c",
        str(CONSTRAINTS),
        *names,
    )
    env = {"VETIVER_WHEELHOUSE": str(DIST), "VETIVER_INSTALL_NAMES": " ".join(names)}
    _pytest(session, [TESTS / "install"], env=env)


@nox.session
def suite(session: nox.Session) -> None:
    """Every test folder but tests/plugins, with every plugin (and the example plugin) installed."""
    orphans = sorted(p.name for p in _test_folders(TESTS / "plugins") if p.name not in PLUGINS)
    if orphans:
        session.error(f"tests/plugins/{orphans[0]} matches no plugin under plugins/ (its tests would never run)")
    editable = [arg for folder in [CORE, *PLUGINS.values(), EXAMPLE] for arg in ("-e", str(folder))]
    folders = _test_folders(TESTS)
    shared = [
        p for p in sorted(REQUIREMENTS.glob("*.txt")) if p.name not in NOT_PIP and not p.name.endswith("-apt.txt")
    ]
    _install(session, *editable, *_requirements(*shared, *(folder / "requirements.txt" for folder in folders)))
    _pytest(session, folders)


@nox.session(requires=["wheels"])
@nox.parametrize("plugin", list(PLUGINS))
def plugin(session: nox.Session, plugin: str) -> None:
    """One plugin's tests with only vetiver-core and that plugin installed, from dist/'s wheels."""
    tests = TESTS / "plugins" / plugin
    if not tests.is_dir():
        session.error(f"plugin {plugin} has no tests: add tests/plugins/{plugin}/")
    requirements = _with_local_wheels(session, tests / "requirements.txt")
    _install(
        session,
        str(_wheel(CORE)),
        str(_wheel(PLUGINS[plugin])),
        *(str(_wheel(PLUGINS[other])) for other in _local_dependencies(plugin)),
        *_requirements(REQUIREMENTS / "core.txt", requirements),
    )
    _pytest(session, [tests])


def _local_dependencies(plugin: str) -> list[str]:
    """The monorepo plugins ``plugin`` depends on (vetiver-sagemaker on vetiver-docker). They are
    on no package index, so they are installed from their wheel files, named as files: installed
    that way they record where they came from, and deploy targets bundle them as wheels."""
    import tomllib

    project = tomllib.loads((PLUGINS[plugin] / "pyproject.toml").read_text())["project"]
    names = {
        re.split(r"[<>=!~;\[ ]", dependency, maxsplit=1)[0].strip().lower() for dependency in project["dependencies"]
    }
    return [other for other, folder in PLUGINS.items() if other != plugin and folder.name in names]


def _with_local_wheels(session: nox.Session, requirements: Path) -> Path:
    """A copy of ``requirements`` where each ``./plugins/<dist>`` line names that plugin's wheel in
    dist/ instead: installed from a wheel file, it is bundled by deploy targets as it is, where a
    source folder would be rebuilt by every test that prepares a bundle."""
    if not requirements.exists():
        return requirements
    folders = {f"./plugins/{folder.name}": folder for folder in PLUGINS.values()}
    lines = []
    for line in requirements.read_text().splitlines():
        stripped = line.split("#")[0].strip()
        if stripped.startswith("-r "):  # relative to the file, which moves
            line = f"-r {(requirements.parent / stripped[3:].strip()).resolve()}"
        elif stripped in folders:
            line = str(_wheel(folders[stripped]))
        lines.append(line)
    copy = Path(session.create_tmp()) / "requirements.txt"
    copy.write_text("\n".join(lines) + "\n")
    return copy


@nox.session(requires=["wheels"])
@nox.parametrize("example", EXAMPLES)
def example(session: nox.Session, example: str) -> None:
    """An example third-party plugin tested as its users get it: built as a wheel and installed
    from that wheel (not the checkout) next to vetiver-core and the docker deploy target."""
    tests = TESTS / "examples" / f"{example}_example"
    wheels = Path(session.create_tmp()) / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    session.run(
        "uv", "build", "--quiet", "--wheel", "--out-dir", str(wheels), str(ROOT / "examples" / f"vetiver-{example}")
    )
    plugin_wheels = [str(w) for w in wheels.glob("*.whl")]
    docker = str(_wheel(PLUGINS["docker"]))
    _install(
        session,
        str(_wheel(CORE)),
        docker,
        *plugin_wheels,
        *_requirements(REQUIREMENTS / "core.txt", tests / "requirements.txt"),
    )
    # The plugin's page in the docs: its examples run here, where the plugin is installed.
    page = f"plugins/{example}.md"
    _pytest(session, [tests])
    session.run(*PYTEST, "tests/docs/test_code_examples.py", "-k", page, *session.posargs)
