"""Test, lint and docs sessions for the vetiver monorepo.

``nox`` (no arguments) runs what CI runs: system packages, lint, docs, the whole suite with every
plugin installed together, then each plugin's tests in an environment holding only vetiver-core
and that plugin.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nox
import tomllib

ROOT = Path(__file__).parent
PLUGINS = sorted(p.name for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").exists())
REQUIREMENTS = ROOT / "tests" / "requirements"
PYTEST = ("pytest", "-p", "no:cacheprovider")

nox.options.sessions = ["system", "lint", "docs", "all", "plugin", "example"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True


def _requirements(*names: str) -> list[str]:
    args: list[str] = []
    for name in names:
        path = REQUIREMENTS / f"{name}.txt"
        if path.exists():
            args += ["-r", str(path)]
    return args


def _apt_packages() -> list[str]:
    packages: list[str] = []
    for path in sorted(REQUIREMENTS.glob("*-apt.txt")):
        packages += [line.split("#")[0].strip() for line in path.read_text().splitlines() if line.split("#")[0].strip()]
    return sorted(set(packages))


def _local_dependencies(plugin: str) -> list[str]:
    """The monorepo plugins ``plugin`` depends on (vetiver-sagemaker on vetiver-docker), as paths:
    they are on no package index, so they are installed from their folders."""
    project = tomllib.loads((ROOT / "plugins" / plugin / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[<>=!~;\[ ]", dependency, maxsplit=1)[0].lower() for dependency in project["dependencies"]}
    return [f"./plugins/{other}" for other in PLUGINS if other in names]


def _short(plugin: str) -> str:
    return plugin.removeprefix("vetiver-")


def _example_tests(example: str) -> Path:
    return ROOT / "tests" / "examples" / f"{_short(example)}_example"


# Example third-party plugins with a test folder of their own (tests/examples/<name>_example).
EXAMPLES = sorted(p.name for p in (ROOT / "examples").iterdir() if _example_tests(p.name).is_dir())


@nox.session(python=False)
def system(session: nox.Session) -> None:
    """Install the Debian packages test tiers need (Docker engine, Chromium, wrk) when root."""
    packages = _apt_packages()
    missing = [p for p in packages if not Path(f"/var/lib/dpkg/info/{p}.list").exists()
               and not Path(f"/var/lib/dpkg/info/{p}:amd64.list").exists()]
    if not missing:
        session.log("system packages present: " + " ".join(packages))
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        session.warn(f"not installing {' '.join(missing)} (needs root and apt-get); their test tiers will be skipped")
        return
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run("apt-get", "update", "-qq", external=True, env=env, success_codes=[0, 100])
    session.run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, external=True, env=env,
                success_codes=[0, 100])


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over every package, the tests and the examples."""
    session.install("ruff==0.17.6")
    session.run("ruff", "check", ".")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site strictly: broken links, missing pages and docstring problems
    fail. The site's pages, links, search and code examples are tested in tests/docs (session all)."""
    # vetiver-core for the CLI reference, generated from its parser at build time.
    session.install("./core", *_requirements("docs"))
    session.run("mkdocs", "build", "--strict", "--site-dir", str(Path(session.create_tmp()) / "site"),
                env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session
def core(session: nox.Session) -> None:
    """Core tests: vetiver-core with the sklearn plugin and the example plugin as test fixtures."""
    session.install("-e", "./core", "-e", "./plugins/vetiver-sklearn", "-e", "./examples/vetiver-example",
                    *_requirements("core", "serving"))
    session.run(*PYTEST, "tests/core", *session.posargs, success_codes=[0, 5])


@nox.session(name="all")
def all_plugins(session: nox.Session) -> None:
    """The whole suite with every plugin installed together."""
    editable = [arg for plugin in PLUGINS for arg in ("-e", f"./plugins/{plugin}")]
    session.install("-e", "./core", *editable, "-e", "./examples/vetiver-example")
    # docs: the site test builds the site; the ONNX example plugin's tests run in session example.
    session.install(*_requirements("core", "serving", "handlers", "docker", "docs"))
    # The Docker image tier runs once, in the docker plugin's own session.
    session.run(*PYTEST, "tests", "-m", "not docker", *session.posargs, success_codes=[0, 5])


@nox.session
@nox.parametrize("example", EXAMPLES, ids=[_short(e) for e in EXAMPLES])
def example(session: nox.Session, example: str) -> None:
    """An example third-party plugin tested as its users get it: built as a wheel and installed
    from that wheel (not the checkout) next to vetiver-core and the docker deploy target."""
    tests = _example_tests(example)
    session.install("./core", "./plugins/vetiver-docker", *_requirements("core"), "-r", str(tests / "requirements.txt"))
    wheels = Path(session.create_tmp()) / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    session.run("python", "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(wheels), f"./examples/{example}")
    session.install("--force-reinstall", "--no-deps", *map(str, wheels.glob("*.whl")))
    # The plugin's page in the docs: its examples run here, where the plugin is installed.
    page = f"plugins/{_short(example)}.md"
    session.run(*PYTEST, str(tests), "tests/docs/test_code_examples.py", "-k", page, *session.posargs)


@nox.session
@nox.parametrize("plugin", PLUGINS, ids=[_short(p) for p in PLUGINS])
def plugin(session: nox.Session, plugin: str) -> None:
    """One plugin's tests in an environment holding only vetiver-core and that plugin."""
    tests = ROOT / "tests" / "plugins" / _short(plugin)
    session.install("./core", *_local_dependencies(plugin), f"./plugins/{plugin}",
                    *_requirements("core", f"plugin-{_short(plugin)}"))
    extra = tests / "requirements.txt"
    if extra.exists():
        session.install("-r", str(extra))
    # exit code 5 = no tests collected: a plugin without tests yet must not fail the run
    session.run(*PYTEST, str(tests), *session.posargs, success_codes=[0, 5])
