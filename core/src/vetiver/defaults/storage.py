"""Built-in storage backends: local folders (the default), temporary folders, S3, Google Cloud
Storage, Azure and Posit Connect, all as pins boards."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from ..hookspecs import StorageBackend, hookimpl


def _strip_scheme(url: str) -> str:
    return url.split("://", 1)[1] if "://" in url else url


def _folder(url: str, **options: Any) -> Any:
    import pins

    path = url
    if url.startswith("file://"):
        path = urlsplit(url).path or _strip_scheme(url)
    return pins.board_folder(os.path.expanduser(path), **options)


def _temp(url: str, **options: Any) -> Any:
    import pins

    return pins.board_temp(**options)


def _s3(url: str, **options: Any) -> Any:
    import pins

    return pins.board_s3(_strip_scheme(url), **options)


def _gcs(url: str, **options: Any) -> Any:
    import pins

    return pins.board_gcs(_strip_scheme(url), **options)


def _azure(url: str, **options: Any) -> Any:
    import pins

    return pins.board_azure(_strip_scheme(url), **options)


def _connect(url: str, **options: Any) -> Any:
    """``connect://`` uses ``CONNECT_SERVER``; ``connect://host`` means https://host and
    ``connect+http://host:port`` plain HTTP (a local test server)."""
    import pins

    scheme, rest = url.split("://", 1)
    server_url = options.pop("server_url", None)
    if server_url is None and rest.strip("/"):
        server_url = ("http://" if scheme == "connect+http" else "https://") + rest.strip("/")
    return pins.board_connect(server_url=server_url, **options)


@hookimpl
def storage_backends() -> list[StorageBackend]:
    return [
        StorageBackend(
            "file",
            ("file", "local", ""),
            _folder,
            description="a local folder board (the default for plain paths)",
        ),
        StorageBackend("temp", ("temp",), _temp, description="a temporary folder board"),
        StorageBackend(
            "s3", ("s3", "s3a"), _s3, packages=("s3fs",), description="Amazon S3 (and S3-compatible) buckets"
        ),
        StorageBackend("gs", ("gs", "gcs"), _gcs, packages=("gcsfs",), description="Google Cloud Storage buckets"),
        StorageBackend(
            "az", ("az", "abfs", "abfss"), _azure, packages=("adlfs",), description="Azure Data Lake / Blob storage"
        ),
        StorageBackend(
            "connect",
            ("connect", "connect+http", "rsc"),
            _connect,
            packages=("rsconnect-python",),
            description="Posit Connect",
        ),
    ]
