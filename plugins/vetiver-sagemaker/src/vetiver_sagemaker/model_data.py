"""Shipping a pin version through ``/opt/ml/model``: a ``model.tar.gz`` in S3 (``ModelDataUrl``).

SageMaker downloads the tarball and unpacks it into ``/opt/ml/model`` before the container starts.
The tarball holds a folder board with one pin version (``<name>/<version>/data.txt`` and the model
file), so the container serves ``VETIVER_BOARD=/opt/ml/model`` like any folder board. This is how a
pin on a board the container cannot reach (a folder on this machine) gets to SageMaker.
"""

from __future__ import annotations

import tarfile
import tempfile
from pathlib import Path
from typing import Any

from .aws import Aws
from .errors import SageMakerError

TARBALL = "model.tar.gz"


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``("bucket", "prefix")`` of ``s3://bucket/prefix``."""
    if not isinstance(uri, str) or not uri.startswith("s3://") or not uri[5:].split("/", 1)[0]:
        raise SageMakerError(f"model_data must be an S3 location s3://bucket/prefix, not {uri!r}")
    bucket, _, prefix = uri[5:].partition("/")
    return bucket, prefix.strip("/")


def pack_pin(board: Any, name: str, version: str, tarball: Path) -> Path:
    """Write pin ``name`` at ``version`` as a one-version folder board into ``tarball``."""
    from vetiver.bundle import copy_pin

    with tempfile.TemporaryDirectory(prefix="vetiver-model-data-") as scratch:
        folder = copy_pin(board, name, version, Path(scratch) / "board")
        with tarfile.open(tarball, "w:gz") as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(folder)), recursive=False)
    return tarball


def upload_model_data(aws: Aws, board: Any, name: str, version: str, location: str) -> str:
    """Upload pin ``name`` at ``version`` as ``<location>/<name>/<version>/model.tar.gz``;
    returns its ``s3://`` URL for ``ModelDataUrl``."""
    bucket, prefix = split_s3_uri(location)
    key = "/".join(part for part in (prefix, name, version, TARBALL) if part)
    with tempfile.TemporaryDirectory(prefix="vetiver-model-data-") as scratch:
        tarball = pack_pin(board, name, version, Path(scratch) / TARBALL)
        with open(tarball, "rb") as body:
            aws.call("s3", "put_object", Bucket=bucket, Key=key, Body=body, Tagging="vetiver=model-data")
    return f"s3://{bucket}/{key}"


def delete_model_data(aws: Aws, url: str) -> None:
    """Delete a tarball :func:`upload_model_data` wrote."""
    bucket, key = split_s3_uri(url)
    aws.call("s3", "delete_object", Bucket=bucket, Key=key)
