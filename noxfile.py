"""Test, lint and docs sessions for the vetiver monorepo.

``nox`` (no arguments) runs what CI runs: system packages, lint, docs, the whole suite with every
plugin installed together, then each plugin's tests in an environment holding only vetiver-core
and that plugin.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PLUGINS = sorted(p.name for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").exists())
REQUIREMENTS = ROOT / "tests" / "requirements"
PYTEST = ("pytest", "-p", "no:cacheprovider")

nox.options.sessions = ["system", "lint", "docs", "all", "plugin"]
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


def _short(plugin: str) -> str:
    return plugin.removeprefix("vetiver-")


@nox.session(python=False)
def system(session: nox.Session) -> None:
    """Install the Debian packages test tiers need (Docker engine, Chromium, wrk) when root."""
    packages = _apt_packages()
    missing = [
        p
        for p in packages
        if not Path(f"/var/lib/dpkg/info/{p}.list").exists() and not Path(f"/var/lib/dpkg/info/{p}:amd64.list").exists()
    ]
    if not missing:
        session.log("system packages present: " + " ".join(packages))
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        session.warn(f"not installing {' '.join(missing)} (needs root and apt-get); their test tiers will be skipped")
        return
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run("apt-get", "update", "-qq", external=True, env=env, success_codes=[0, 100])
    session.run(
        "apt-get",
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        *missing,
        external=True,
        env=env,
        success_codes=[0, 100],
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over every package, the tests and the examples."""
    session.install("ruff==0.17.6")
    session.run("ruff", "check", ".")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site strictly (broken links and missing pages fail)."""
    session.install("mkdocs==1.6.1")
    session.run("mkdocs", "build", "--strict", "--site-dir", str(Path(session.create_tmp()) / "site"))


@nox.session
def core(session: nox.Session) -> None:
    """Core tests: vetiver-core with the sklearn plugin and the example plugin as test fixtures."""
    session.install(
        "-e",
        "./core",
        "-e",
        "./plugins/vetiver-sklearn",
        "-e",
        "./examples/vetiver-example",
        *_requirements("core", "serving"),
    )
    session.run(*PYTEST, "tests/core", *session.posargs, success_codes=[0, 5])


@nox.session(name="all")
def all_plugins(session: nox.Session) -> None:
    """The whole suite with every plugin installed together."""
    editable = [arg for plugin in PLUGINS for arg in ("-e", f"./plugins/{plugin}")]
    session.install("-e", "./core", *editable, "-e", "./examples/vetiver-example")
    session.install(*_requirements("core", "serving", "handlers", "docker", "monitor"))
    # The Docker image tier runs once, in the docker plugin's own session.
    session.run(*PYTEST, "tests", "-m", "not docker", *session.posargs, success_codes=[0, 5])


@nox.session
@nox.parametrize("plugin", PLUGINS, ids=[_short(p) for p in PLUGINS])
def plugin(session: nox.Session, plugin: str) -> None:
    """One plugin's tests in an environment holding only vetiver-core and that plugin."""
    tests = ROOT / "tests" / "plugins" / _short(plugin)
    session.install("./core", f"./plugins/{plugin}", *_requirements("core", f"plugin-{_short(plugin)}"))
    extra = tests / "requirements.txt"
    if extra.exists():
        session.install("-r", str(extra))
    # exit code 5 = no tests collected: a plugin without tests yet must not fail the run
    session.run(*PYTEST, str(tests), *session.posargs, success_codes=[0, 5])
