"""Pinned requirements for a served model, taken from the distributions installed here.

vetiver 0.2.6 ran ``pip-compile`` through ``os.system`` and wrote nothing, silently, when pip-tools
was missing. The environment that pins and reads a model already holds a working set of
distributions, so we pin that set instead of re-resolving it: the closure of the roots'
``Requires-Dist``, with markers evaluated for Linux (what containers run) on this Python, each
pinned to its installed version. Nothing is fetched from an index.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# platform.machine() spellings that differ from Linux's (a Mac or Windows host building for Linux).
_LINUX_MACHINES = {"arm64": "aarch64", "amd64": "x86_64", "AMD64": "x86_64"}


def target_environment() -> dict[str, str]:
    """PEP 508 marker values for a Linux container running this Python version."""
    environment = dict(default_environment())
    machine = platform.machine()
    environment.update(
        sys_platform="linux",
        platform_system="Linux",
        os_name="posix",
        platform_machine=_LINUX_MACHINES.get(machine, machine),
    )
    return environment


@dataclass
class PinnedDistribution:
    """One distribution the app needs.

    Attributes:
        name: Canonical distribution name (``"scikit-learn"``).
        version: The installed version, or None when it is not installed here (a Linux-only
            dependency of something, seen from a Mac); it is then left unpinned.
        required_by: Canonical names of the distributions that need it (``"-r roots"`` for a root).
        direct_url: The parsed ``direct_url.json`` (PEP 610) when it was installed from a folder,
            a file or a VCS URL rather than an index: no index can supply it to an image build.
    """

    name: str
    version: str | None
    required_by: set[str] = field(default_factory=set)
    direct_url: dict | None = None


ROOT = "-r roots"


def _installed(name: str) -> importlib.metadata.Distribution | None:
    try:
        return importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _direct_url(distribution: importlib.metadata.Distribution) -> dict | None:
    text = distribution.read_text("direct_url.json")
    return json.loads(text) if text else None


def resolve(
    roots: Iterable[str],
    environment: Mapping[str, str] | None = None,
    requires: Mapping[str, Iterable[str]] | None = None,
) -> list[PinnedDistribution]:
    """The installed closure of ``roots``, sorted by name.

    Args:
        roots: Requirement strings (``"vetiver-core"``, ``"scikit-learn==1.9.1"``,
            ``"uvicorn[standard]"``). A root pinned to a version other than the installed one is
            pinned to the installed version (the one that reads the model here), with a warning.
        environment: Marker values; :func:`target_environment` when None.
        requires: ``Requires-Dist`` lines to use instead of the installed ones, by canonical
            name: an editable install's metadata is as old as its install, while the wheel built
            from its source is what the image gets.
    """
    environment = dict(environment or target_environment())
    requires = requires or {}
    found: dict[str, PinnedDistribution] = {}
    extras_done: dict[str, set[str]] = {}
    queue: list[tuple[Requirement, str]] = [(Requirement(root), ROOT) for root in roots]

    while queue:
        requirement, parent = queue.pop(0)
        name = canonicalize_name(requirement.name)
        installed = _installed(name)
        pinned = found.get(name)
        if pinned is None:
            pinned = found[name] = PinnedDistribution(
                name,
                installed.version if installed else None,
                direct_url=_direct_url(installed) if installed else None,
            )
            if parent == ROOT:
                _check_root_version(requirement, pinned.version)
        pinned.required_by.add(parent)

        wanted = {canonicalize_name(extra) for extra in requirement.extras}
        done = extras_done.get(name)
        if installed is None or (done is not None and wanted <= done):
            continue
        extras_done[name] = (done or set()) | wanted
        active = {"", *extras_done[name]}
        for line in requires.get(name, installed.requires or []):
            child = Requirement(line)
            if child.marker is None or any(child.marker.evaluate({**environment, "extra": e}) for e in active):
                queue.append((child, name))
    return sorted(found.values(), key=lambda d: d.name)


def _check_root_version(requirement: Requirement, installed: str | None) -> None:
    if installed and requirement.specifier and not requirement.specifier.contains(installed, prereleases=True):
        warnings.warn(
            f"the model was pinned with {requirement}, but {installed} is installed here; the image "
            f"gets {requirement.name}=={installed}, the version that reads the model here",
            UserWarning,
            stacklevel=4,
        )


def render(
    distributions: Iterable[PinnedDistribution],
    *,
    header: str,
    wheels: Mapping[str, tuple[str, str]] | None = None,
    find_links: str = "wheels",
) -> str:
    """A pip requirements file pinning ``distributions``.

    Args:
        distributions: From :func:`resolve`.
        header: Comment lines (without ``#``) saying what the file is for.
        wheels: For distributions built into the build context, canonical name ->
            (built version, file name); they are pinned to the built version and found through
            ``--find-links find_links`` (relative to the requirements file).
        find_links: The folder holding the wheels, relative to the requirements file.
    """
    wheels = wheels or {}
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    if wheels:
        lines.append(f"--find-links {find_links}")
    for dist in distributions:
        built = wheels.get(dist.name)
        # A local label ("2.13.0+cpu") names a build no index serves; "==2.13.0" accepts it and
        # the public build alike. Wheels built here keep their exact version.
        version = built[0] if built else dist.version and dist.version.split("+", 1)[0]
        lines.append(f"{dist.name}=={version}" if version else dist.name)
        via = ", ".join(sorted(dist.required_by))
        lines.append(f"    # via {via}")
        if built:
            lines.append(
                f"    # not on a package index: built from {dist.direct_url['url']} as {find_links}/{built[1]}"
            )
        elif version is None:
            lines.append("    # not installed here, so not pinned")
    return "\n".join(lines) + "\n"
