"""``deploy_connect`` (vetiver 0.2.6's ``vetiver.rsconnect``), provided by the vetiver-connect plugin.

This module only forwards: ``import vetiver`` stays light, and without the plugin the call says
what to install instead of failing on an import.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from .errors import PluginNotInstalledError

if TYPE_CHECKING:  # the plugin's class, for type checkers; loaded on first use at run time
    from vetiver_connect.server import ConnectServer  # noqa: F401

_INSTALL = "deploying to Posit Connect needs the vetiver-connect plugin: pip install vetiver-connect"


def _plugin() -> Any:
    try:
        import vetiver_connect
    except ModuleNotFoundError as error:
        if error.name != "vetiver_connect":
            raise
        raise PluginNotInstalledError(_INSTALL) from None
    return vetiver_connect


def deploy_connect(connect_server: Any, board: Any, pin_name: str, version: str | None = None, **kwargs: Any) -> Any:
    """Deploy pin ``pin_name`` to Posit Connect; see :func:`vetiver_connect.deploy_connect`
    (0.2.6's arguments: ``extra_files``, ``new``, ``app_id``, ``title``, ``python``,
    ``force_generate``, ``log_callback``, ``image``)."""
    return _plugin().deploy_connect(connect_server, board, pin_name, version, **kwargs)


def deploy_rsconnect(connect_server: Any, board: Any, pin_name: str, version: str | None = None, **kwargs: Any) -> Any:
    """Deprecated alias of :func:`deploy_connect` (as in 0.2.6)."""
    warnings.warn("deploy_rsconnect is deprecated; use deploy_connect", DeprecationWarning, stacklevel=2)
    return deploy_connect(connect_server, board, pin_name, version, **kwargs)


def __getattr__(name: str) -> Any:
    if name == "ConnectServer":  # the server object (URL + API key) of the plugin
        return _plugin().ConnectServer
    raise AttributeError(f"module 'vetiver.rsconnect' has no attribute {name!r}")
