"""vetiver 0.2.6's ``write_docker`` and ``prepare_docker``, on this plugin.

``vetiver.write_docker`` (the 0.2.6 import path) forwards here; ``load_pkgs`` is
:func:`vetiver.bundle.load_pkgs`.
"""

from __future__ import annotations

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
    from vetiver.bundle import REQUIREMENTS_FILE, WHEEL_DIR
    from vetiver.bundle.app import write_text_file

    from .dockerfile import AppSource, ImageSpec, default_base_image, render_dockerfile, render_dockerignore

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
