"""Every public name of vetiver-python 0.2.6 imports from its 0.2.6 module path.

The implementations moved into subpackages (``vetiver.schema``, ``vetiver.serving``,
``vetiver.storage``, ``vetiver.bundle``); the 0.2.6 modules re-export them, so existing imports and
``except`` clauses keep working. Names from 0.2.6 that other parts of vetiver own are listed in
``ELSEWHERE`` with the reason they are not checked here.
"""

from __future__ import annotations

import importlib
import importlib.util

import pytest

# 0.2.6 module path -> the public names it offered (reference: vetiver-python.md §1).
PATHS_0_2_6: dict[str, tuple[str, ...]] = {
    "vetiver": (
        "VetiverModel", "VetiverAPI", "VetiverMeta", "vetiver_endpoint", "predict", "api_data_to_frame",
        "vetiver_create_prototype", "vetiver_create_ptype", "create_prototype", "Prototype", "InvalidPTypeError",
        "get_mock_data", "get_mock_model", "get_mtcars_model", "vetiver_pin_write", "load_pkgs", "get_board_pkgs",
        "write_docker", "prepare_docker", "write_app", "vetiver_write_app", "BaseHandler", "create_handler",
        "InvalidModelError", "mock", "data",
    ),
    "vetiver.server": ("VetiverAPI", "vetiver_endpoint", "predict"),
    "vetiver.helpers": ("api_data_to_frame",),
    "vetiver.prototype": (
        "vetiver_create_prototype", "vetiver_create_ptype", "create_prototype", "Prototype", "InvalidPTypeError",
    ),
    "vetiver.vetiver_model": ("VetiverModel", "NoModelAvailableError"),
    "vetiver.meta": ("VetiverMeta",),
    "vetiver.pin_read_write": ("vetiver_pin_write", "vetiver_pin_read"),
    "vetiver.write_fastapi": ("write_app", "vetiver_write_app"),
    "vetiver.write_docker": ("write_docker", "prepare_docker", "vetiver_write_docker"),
    "vetiver.attach_pkgs": ("load_pkgs", "get_board_pkgs"),
    "vetiver.mock": ("get_mock_data", "get_mock_model", "get_mtcars_model"),
    "vetiver.data": ("mtcars", "chicago", "sacramento"),
    "vetiver.handlers.base": ("BaseHandler", "Handler", "create_handler", "InvalidModelError"),
}  # fmt: skip

# Handler classes now ship in plugins: the 0.2.6 paths forward to them when installed.
PLUGIN_HANDLERS = {
    "vetiver.handlers.sklearn": ("SKLearnHandler", "vetiver_sklearn", "vetiver-sklearn"),
    "vetiver.handlers.xgboost": ("XGBoostHandler", "vetiver_xgboost", "vetiver-xgboost"),
    "vetiver.handlers.torch": ("TorchHandler", "vetiver_torch", "vetiver-torch"),
    "vetiver.handlers.statsmodels": ("StatsmodelsHandler", "vetiver_statsmodels", "vetiver-statsmodels"),
}

ELSEWHERE = {
    "deploy_connect, deploy_rsconnect": "the Connect deploy target (vetiver-connect)",
    "compute_metrics, pin_metrics, plot_metrics, _rolling_df, model_card, monitoring_dashboard, "
    "pin_read_write.ModelCard": "monitoring (vetiver.monitor)",
    "SpacyHandler": "no spaCy handler plugin yet",
    "vetiver.types, vetiver.utils": "0.2.6 internals (a Literal alias, a serializer) with no users to keep",
}


@pytest.mark.parametrize(("path", "names"), sorted(PATHS_0_2_6.items()))
def test_0_2_6_names_import_from_their_0_2_6_paths(path, names):
    module = importlib.import_module(path)
    missing = [name for name in names if not hasattr(module, name)]
    assert missing == []
    namespace: dict = {}
    exec(f"from {path} import {', '.join(names)}", namespace)  # the statement users wrote
    assert all(namespace[name] is not None for name in names)


@pytest.mark.parametrize("path", sorted(PLUGIN_HANDLERS))
def test_0_2_6_handler_paths_forward_to_their_plugin(path):
    from vetiver.errors import PluginNotInstalledError

    name, plugin_module, distribution = PLUGIN_HANDLERS[path]
    module = importlib.import_module(path)
    if importlib.util.find_spec(plugin_module) is None:
        with pytest.raises(PluginNotInstalledError, match=f"pip install {distribution}"):
            getattr(module, name)
        return
    handler = getattr(module, name)
    assert handler.__module__.startswith(plugin_module)


def test_0_2_6_names_are_the_same_objects_everywhere():
    import vetiver
    import vetiver.prototype
    import vetiver.server
    import vetiver.vetiver_model

    assert vetiver.server.VetiverAPI is vetiver.VetiverAPI
    assert vetiver.vetiver_model.VetiverModel is vetiver.VetiverModel
    assert vetiver.prototype.InvalidPTypeError is vetiver.InvalidPTypeError
