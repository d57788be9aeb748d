"""vetiver 0.2.6's ``write_docker``, ``prepare_docker`` and ``load_pkgs``, on this plugin.

``vetiver.write_docker`` and ``vetiver.attach_pkgs`` (the 0.2.6 import paths) forward here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any


def write_docker(
    app_file: str = "app.py",
    path: str | Path = "./",
    rspm_env: bool = False,
    host: str = "0.0.0.0",
    port: str | int = "8080",
    *,
    base_image: str | None = None,
    workers: int = 1,
    overwrite: bool = False,
) -> Path:
    """Write a ``Dockerfile`` (and ``.dockerignore``) serving the ``api`` object of ``app_file``.

    The 0.2.6 way to serve custom code: ``write_app``, edit ``app.py``, ``load_pkgs``, then this.
    The build context ``path`` must hold ``app_file`` and ``vetiver_requirements.txt`` (and the
    ``wheels/`` folder :func:`load_pkgs` may write). For a pin as it is, :func:`prepare_docker`
    writes all of it and also copies pins from folder boards into the image.

    Returns:
        The Dockerfile written.

    Raises:
        FileExistsError: a Dockerfile exists and ``overwrite`` is False.
    """
    from vetiver.write_fastapi import write_text_file

    from .context import REQUIREMENTS_FILE
    from .dockerfile import AppSource, ImageSpec, default_base_image, render_dockerfile, render_dockerignore
    from .lockfile import WHEEL_DIR

    folder = Path(path)
    spec = ImageSpec(
        source=AppSource(Path(app_file).as_posix()),
        base_image=base_image or default_base_image(),
        host=host,
        port=int(port),
        workers=int(workers),
        requirements_file=REQUIREMENTS_FILE,
        wheels=(folder / WHEEL_DIR).is_dir(),
        rspm_env=rspm_env,
        title=f"serves {app_file}",
    )
    dockerfile = write_text_file(folder / "Dockerfile", render_dockerfile(spec), overwrite)
    write_text_file(folder / ".dockerignore", render_dockerignore(spec), overwrite=True)
    return dockerfile


def prepare_docker(
    board: Any,
    pin_name: str,
    path: str | Path = "./",
    version: str | None = None,
    rspm_env: bool = False,
    host: str = "0.0.0.0",
    port: str | int = "8080",
    **options: Any,
) -> Path:
    """Write ``app.py``, ``vetiver_requirements.txt``, ``Dockerfile`` (and ``.dockerignore``,
    ``wheels/``, ``board/``) for serving pin ``pin_name``: :func:`vetiver_docker.context.prepare`
    with 0.2.6's argument names. ``options`` are that function's keyword options."""
    from .context import prepare

    return prepare(board, pin_name, path, version, rspm_env=rspm_env, host=host, port=port, **options)


def _handler_distribution(model: Any) -> list[str]:
    """The plugin distribution whose module defines ``model``'s handler (none for core's own)."""
    from vetiver import plugins

    root = type(model.handler).__module__.split(".")[0]
    manager = plugins.plugin_manager()
    for info in plugins.plugins():
        module = manager.get_plugin(info.name)
        if not info.builtin and getattr(module, "__name__", "").split(".")[0] == root:
            return [info.distribution]
    return []


def load_pkgs(model: Any, packages: Iterable[str] | None = None, path: str | Path = "") -> Path:
    """Write ``<path>requirements.txt``: what serving ``model`` needs, pinned to installed versions.

    As in 0.2.6, ``path`` is a prefix (``prepare_docker`` passes ``"<folder>/vetiver_"``). Unlike
    0.2.6 nothing is re-resolved with pip-compile (which failed silently when missing): the
    closure of vetiver-core, the model's handler plugin, its required packages and ``packages`` is
    pinned to what is installed, and distributions no index has are built into ``wheels/``
    beside the file.

    Returns:
        The requirements file written.
    """
    from .lockfile import write_requirements
    from .served_pin import model_requirements

    target = Path(f"{path}requirements.txt")
    roots = [
        "vetiver-core",
        *_handler_distribution(model),
        *model_requirements(model.metadata.pinned_pkgs or model.metadata.required_pkgs),
        *(packages or []),
    ]
    write_requirements(roots, target, f"model {model.model_name!r}")
    return target
