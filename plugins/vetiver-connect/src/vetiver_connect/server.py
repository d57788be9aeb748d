"""Which Posit Connect server to talk to, and with which API key.

vetiver 0.2.6 took an ``rsconnect.api.RSConnectServer``; vetiver-python#152 asks for a way that
needs no rsconnect-python. :class:`ConnectServer` is that way, and any object with the same
``url`` and ``api_key`` attributes (rsconnect's included) is read the same.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from .errors import ConnectConfigError

SERVER_ENV = "CONNECT_SERVER"
API_KEY_ENV = "CONNECT_API_KEY"


@dataclass(frozen=True)
class ConnectServer:
    """A Posit Connect server: its URL and the API key to use.

    Args:
        url: The server's URL (``https://connect.example.org``); a trailing ``/__api__`` is
            dropped.
        api_key: An API key of the publishing user. Never shown in ``repr``.
        insecure: Skip TLS certificate checks (self-signed test servers only).
        ca_data: A PEM bundle of CA certificates to trust, as text.
    """

    url: str
    api_key: str = field(repr=False)
    insecure: bool = False
    ca_data: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        url = (self.url or "").strip().rstrip("/")
        url = url.removesuffix("/__api__")
        if not url.startswith(("http://", "https://")):
            raise ConnectConfigError(f"the Connect server URL must start with http:// or https://, got {self.url!r}")
        if not self.api_key:
            raise ConnectConfigError(f"no API key for {url}; pass api_key= or set {API_KEY_ENV}")
        object.__setattr__(self, "url", url)

    @classmethod
    def from_env(cls, url: str | None = None, api_key: str | None = None) -> ConnectServer:
        """The server named by the arguments, falling back to ``CONNECT_SERVER`` and
        ``CONNECT_API_KEY``."""
        url = url or os.environ.get(SERVER_ENV)
        if not url:
            raise ConnectConfigError(f"no Connect server; pass server= (CLI: --server URL) or set {SERVER_ENV}")
        return cls(url, api_key or os.environ.get(API_KEY_ENV, ""))


def as_server(server: Any = None, api_key: str | None = None) -> ConnectServer:
    """A :class:`ConnectServer` from one, from a URL (with ``api_key`` or ``CONNECT_API_KEY``),
    from an ``rsconnect.api.RSConnectServer`` (or anything with ``url`` and ``api_key``), or from
    the environment when ``server`` is None."""
    if isinstance(server, ConnectServer):
        return server
    if server is None or isinstance(server, str):
        return ConnectServer.from_env(server, api_key)
    url = getattr(server, "url", None)
    key = getattr(server, "api_key", None)
    if isinstance(url, str) and isinstance(key, str):
        ca_data = getattr(server, "ca_data", None)
        return ConnectServer(
            url,
            key,
            insecure=bool(getattr(server, "insecure", False)),
            ca_data=ca_data if isinstance(ca_data, str) else None,
        )
    raise ConnectConfigError(
        f"cannot deploy to a {type(server).__name__}: pass a vetiver.ConnectServer(url, api_key), "
        "an rsconnect.api.RSConnectServer or a server URL"
    )
