"""``prepare``: write a Docker build context that serves a pinned model.

The context holds ``app.py`` (0.2.6's file, to run the model without Docker),
``vetiver_requirements.txt``, ``Dockerfile``, ``.dockerignore`` and, where needed, ``wheels/``
(distributions no index has) and ``board/`` (the pin version itself: a folder board on this
machine is not visible inside a container); optionally ``kubernetes/`` manifests for the image.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from vetiver.bundle import REQUIREMENTS_FILE
from vetiver.errors import UnexpectedArgumentError

from .dockerfile import ImageSpec, PinSource, default_base_image, render_dockerfile, render_dockerignore

KUBERNETES_DIR = "kubernetes"
IMAGE_BOARD = "/vetiver/board"
KUBERNETES_OPTIONS = frozenset(
    {"replicas", "max_replicas", "cpu_request", "memory_request", "memory_limit", "target_cpu"}
)


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    """A list option given from Python (a list) or the CLI (``--packages a,b``)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return list(value)


def default_tag(name: str, version: str) -> str:
    """An image tag for a pin version, ``<name>:<version>``, made valid for Docker."""
    from .kubernetes import dns_label

    tag = re.sub(r"[^A-Za-z0-9_.-]", "-", version).lstrip(".-")[:128] or "latest"
    return f"{dns_label(name)}:{tag}"


def prepare(
    board: Any,
    name: str,
    path: str | Path,
    version: str | None = None,
    *,
    base_image: str | None = None,
    host: str = "0.0.0.0",
    port: int | str = 8080,
    workers: int = 1,
    runtime: str = "uvicorn",
    rspm_env: bool = False,
    bundle: bool | None = None,
    allow_pickle: bool | None = None,
    packages: str | Iterable[str] | None = None,
    board_url: str | None = None,
    kubernetes: bool = False,
    image: str | None = None,
    overwrite: bool = False,
    **kubernetes_options: Any,
) -> Path:
    """Write a Docker build context serving pin ``name`` into the folder ``path``.

    Args:
        board: A pins board or a board URL.
        name: The pin name.
        path: The folder to write into (created if missing).
        version: The pin version; the newest when None.
        base_image: ``FROM`` image of both build stages (Debian-based);
            ``python:<this major.minor>-slim`` by default.
        host: Address the server binds in the container.
        port: Port the server listens on (``PORT``; ``docker run -e PORT=...`` changes it).
        workers: Server processes (``VETIVER_WORKERS``; ``-e VETIVER_WORKERS=...`` changes it).
        runtime: The serving runtime plugin (``VETIVER_RUNTIME``); its distribution is installed.
        rspm_env: Install requirements from Posit Package Manager instead of PyPI.
        bundle: Copy the pin version into the image. Default: for boards a container cannot
            reach (folders, memory); remote boards are read when the container starts, with
            credentials from its environment.
        allow_pickle: Consent to unpickling the model in the container. Default: the board's
            ``allow_pickle_read`` (or ``PINS_ALLOW_PICKLE_READ``).
        packages: Extra distributions the app needs (custom code's dependencies), pinned like the
            rest; a list, or a comma-separated string from the CLI.
        board_url: The board URL the container reads a remote board from, when it differs from
            this machine's.
        kubernetes: Also write a Deployment, a Service and a HorizontalPodAutoscaler into
            ``kubernetes/``.
        image: The image the Kubernetes manifests run; ``<pin name>:<version>`` by default.
        overwrite: Replace the files an earlier ``prepare`` wrote.
        **kubernetes_options: Fields of :class:`~vetiver_docker.kubernetes.KubernetesSpec`
            (``replicas``, ``max_replicas``, ``cpu_request``, ``memory_request``, ``memory_limit``,
            ``target_cpu``).

    Returns:
        The folder written.

    Raises:
        FileExistsRefusedError: the folder holds an earlier context and ``overwrite`` is False.
        PickleConsentError: the model is pickled and nothing consents to reading it.
    """
    from vetiver.bundle import write_bundle

    unknown = set(kubernetes_options) - KUBERNETES_OPTIONS
    if unknown:
        raise UnexpectedArgumentError(f"unknown docker target options: {', '.join(sorted(unknown))}")
    written = write_bundle(
        board, name, path, version,
        runtime=runtime, bundle=bundle, allow_pickle=allow_pickle, packages=_as_list(packages),
        board_url=board_url, requirements_file=REQUIREMENTS_FILE, overwrite=overwrite,
        also_clear=["Dockerfile", ".dockerignore", *([KUBERNETES_DIR] if kubernetes else [])],
    )  # fmt: skip
    served, folder = written.pin, written.path
    title = f"serves pin {name!r} version {served.version}"
    image_board = IMAGE_BOARD if served.bundled else written.board_url
    spec = ImageSpec(
        source=PinSource(image_board, name, served.serve_version, served.bundled, served.uses_pickle, runtime),
        base_image=base_image or default_base_image(),
        host=host,
        port=int(port),
        workers=int(workers),
        requirements_file=REQUIREMENTS_FILE,
        wheels=bool(written.wheels),
        rspm_env=rspm_env,
        title=title,
    )
    (folder / "Dockerfile").write_text(render_dockerfile(spec))
    (folder / ".dockerignore").write_text(render_dockerignore(spec))

    if kubernetes:
        from .kubernetes import KubernetesSpec, dns_label, write_manifests

        spec_k8s = KubernetesSpec(
            name=dns_label(name),
            image=image or default_tag(name, served.version),
            port=int(port),
            secret=None if served.bundled else f"{dns_label(name)}-board",
            **kubernetes_options,
        )
        write_manifests(spec_k8s, folder / KUBERNETES_DIR)
    return folder
