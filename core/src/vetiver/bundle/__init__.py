"""The deploy toolkit: what every deploy target needs to serve a pinned model, as a stable API.

:func:`write_bundle` writes, for one pin version, the app file, the pinned requirements (vetiver-core,
the handler's plugin and framework, the model format's and runtime's plugins, the storage packages
and any extra packages, each pinned to the installed version), wheels of distributions no package
index has, and, for boards the deployed app cannot reach, a copy of the pin version. It returns a
:class:`Bundle` listing what it wrote. The smaller functions are the same steps one at a time.

Deploy-target plugins (vetiver-docker, vetiver-connect, vetiver-sagemaker) build on this module only;
everything else in vetiver is internal to them. See ``docs/bundle.md``.
"""

from __future__ import annotations

from .app import app_source, write_app
from .lockfile import WHEEL_DIR, load_pkgs, model_roots, write_requirements
from .pin import ServedPin, copy_pin, handler_plugins, is_local_board, plan, remote_board_url, storage_backend
from .requirements import PinnedDistribution, render, resolve, target_environment
from .wheels import build_wheels
from .writer import APP_FILE, BOARD_DIR, REQUIREMENTS_FILE, Bundle, bundle_names, clear, write_bundle

__all__ = [
    "APP_FILE",
    "BOARD_DIR",
    "REQUIREMENTS_FILE",
    "WHEEL_DIR",
    "Bundle",
    "PinnedDistribution",
    "ServedPin",
    "app_source",
    "build_wheels",
    "bundle_names",
    "clear",
    "copy_pin",
    "handler_plugins",
    "is_local_board",
    "load_pkgs",
    "model_roots",
    "plan",
    "remote_board_url",
    "render",
    "resolve",
    "storage_backend",
    "target_environment",
    "write_app",
    "write_bundle",
    "write_requirements",
]
