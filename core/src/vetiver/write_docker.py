"""0.2.6 import path of ``write_docker`` and ``prepare_docker``, provided by the vetiver-docker plugin.

The implementation lives in the plugin (one implementation, next to the ``docker`` deploy target);
these names forward to it and say what to install when it is missing.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from .errors import PluginNotInstalledError


def docker_plugin(module: str) -> Any:
    """Import ``vetiver_docker.<module>``, or explain that the plugin must be installed."""
    import importlib

    try:
        return importlib.import_module(f"vetiver_docker.{module}")
    except ModuleNotFoundError as error:
        if error.name is None or error.name.split(".")[0] != "vetiver_docker":
            raise
        raise PluginNotInstalledError(
            "Docker files are written by the vetiver-docker plugin; install it: pip install vetiver-docker"
        ) from error


def write_docker(
    app_file: str = "app.py",
    path: str | Path = "./",
    rspm_env: bool = False,
    host: str = "0.0.0.0",
    port: str | int = "8080",
    **options: Any,
) -> Path:
    """Write a Dockerfile serving the ``api`` of ``app_file``; see :func:`vetiver_docker.compat.write_docker`."""
    return docker_plugin("compat").write_docker(app_file, path, rspm_env, host, port, **options)


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
    """Write ``app.py``, ``vetiver_requirements.txt`` and a ``Dockerfile`` serving a pin; see
    :func:`vetiver_docker.compat.prepare_docker`."""
    return docker_plugin("compat").prepare_docker(board, pin_name, path, version, rspm_env, host, port, **options)


def vetiver_write_docker(
    app_file: str = "app.py",
    path: str | Path = "./",
    rspm_env: bool = False,
    host: str = "0.0.0.0",
    port: str | int = "8080",
) -> Path:
    """Deprecated (0.2.6): use :func:`write_docker`."""
    warnings.warn("vetiver_write_docker is deprecated, use write_docker", DeprecationWarning, stacklevel=2)
    return write_docker(app_file, path, rspm_env, host, port)
