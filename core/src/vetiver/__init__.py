"""vetiver: version, share, deploy and monitor models.

Names are imported on first use (PEP 562), so ``import vetiver`` loads no ML framework, no web
server and no cloud SDK; plugins are discovered on the first query that needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import __version__

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # models and metadata
    "VetiverModel": "vetiver.model",
    "VetiverMeta": "vetiver.meta",
    # handlers
    "BaseHandler": "vetiver.handlers.base",
    "create_handler": "vetiver.handlers.base",
    "InvalidModelError": "vetiver.errors",
    "SKLearnHandler": "vetiver.handlers.sklearn",
    "XGBoostHandler": "vetiver.handlers.xgboost",
    "TorchHandler": "vetiver.handlers.torch",
    "StatsmodelsHandler": "vetiver.handlers.statsmodels",
    # prototypes
    "vetiver_create_prototype": "vetiver.schema.infer",
    "vetiver_create_ptype": "vetiver.schema.infer",
    "create_prototype": "vetiver.schema.pydantic_fields",
    "Prototype": "vetiver.schema.pydantic_fields",
    "InvalidPTypeError": "vetiver.errors",
    # pins
    "vetiver_pin_write": "vetiver.storage.model_pins",
    "board": "vetiver.storage.boards",
    "get_board_pkgs": "vetiver.storage.boards",
    # serving and the client
    "VetiverAPI": "vetiver.serving.api",
    "vetiver_endpoint": "vetiver.serving.client",
    "predict": "vetiver.serving.client",
    "api_data_to_frame": "vetiver.serving.frames",
    # deploy
    "prepare": "vetiver.deploy",
    "deploy": "vetiver.deploy",
    "write_app": "vetiver.bundle.app",
    "vetiver_write_app": "vetiver.bundle.app",
    "write_docker": "vetiver.write_docker",
    "prepare_docker": "vetiver.write_docker",
    "load_pkgs": "vetiver.bundle.lockfile",
    # Posit Connect (the vetiver-connect plugin; vetiver.rsconnect only forwards to it)
    "deploy_connect": "vetiver.rsconnect",
    "deploy_rsconnect": "vetiver.rsconnect",
    "ConnectServer": "vetiver.rsconnect",
    # mock data and models
    "get_mock_data": "vetiver.mock",
    "get_mock_model": "vetiver.mock",
    "get_mtcars_model": "vetiver.mock",
    # plugin authoring
    "hookimpl": "vetiver.hookspecs",
    # monitoring (0.2.6 names; plotly and scipy load only when a function needs them)
    "compute_metrics": "vetiver.monitor.metrics",
    "pin_metrics": "vetiver.monitor.metrics_pin",
    "plot_metrics": "vetiver.monitor.plots",
    "_rolling_df": "vetiver.monitor.windows",
    "model_card": "vetiver.monitor.templates",
    "monitoring_dashboard": "vetiver.monitor.templates",
}

# public name -> (plugin module that defines it, distribution to install for it)
_PLUGIN_EXPORTS: dict[str, tuple[str, str]] = {
    "deploy_sagemaker": ("vetiver_sagemaker", "vetiver-sagemaker"),
}

_SUBMODULES = {
    "mock",
    "data",
    "server",
    "helpers",
    "handlers",
    "plugins",
    "hookspecs",
    "prototype",
    "errors",
    "monitor",
}

__all__ = sorted([*_EXPORTS, *_PLUGIN_EXPORTS, *_SUBMODULES, "__version__"])


# Functions named like the module defining them ("vetiver.deploy", "vetiver.write_docker") are
# bound now: importing such a module later would otherwise replace the package attribute with the
# module. Both modules are light (they import plugins and frameworks inside their functions).
from .deploy import deploy  # noqa: E402
from .write_docker import write_docker  # noqa: E402


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value  # cache: later lookups skip __getattr__
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"vetiver.{name}")
    if name in _PLUGIN_EXPORTS:
        module, distribution = _PLUGIN_EXPORTS[name]
        try:
            value = getattr(importlib.import_module(module), name)
        except ImportError:
            raise AttributeError(
                f"vetiver.{name} needs the {distribution} plugin: pip install {distribution}"
            ) from None
        globals()[name] = value
        return value
    raise AttributeError(f"module 'vetiver' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and IDEs; not executed at run time
    from .bundle.app import vetiver_write_app, write_app
    from .bundle.lockfile import load_pkgs
    from .deploy import deploy, prepare
    from .errors import InvalidModelError, InvalidPTypeError
    from .handlers.base import BaseHandler, create_handler
    from .hookspecs import hookimpl
    from .meta import VetiverMeta
    from .mock import get_mock_data, get_mock_model, get_mtcars_model
    from .model import VetiverModel
    from .monitor.metrics import compute_metrics
    from .monitor.metrics_pin import pin_metrics
    from .monitor.plots import plot_metrics
    from .monitor.templates import model_card, monitoring_dashboard
    from .monitor.windows import _rolling_df
    from .rsconnect import ConnectServer, deploy_connect, deploy_rsconnect
    from .schema.infer import vetiver_create_prototype, vetiver_create_ptype
    from .schema.pydantic_fields import Prototype, create_prototype
    from .serving.api import VetiverAPI
    from .serving.client import predict, vetiver_endpoint
    from .serving.frames import api_data_to_frame
    from .storage.boards import board, get_board_pkgs
    from .storage.model_pins import vetiver_pin_write
    from .write_docker import prepare_docker, write_docker
