"""Signed pins (opt-in): an HMAC-SHA256 over a pin's metadata and the SHA-256 of its files.

A pin's ``pin_hash`` proves a file is unchanged since ``data.txt`` was written, not who wrote
it: whoever can edit ``data.txt`` can recompute it. With a key, :func:`vetiver.vetiver_pin_write`
adds ``user.vetiver_signature`` to the pin::

    vetiver_signature:
      algorithm: hmac-sha256
      files: {cars.joblib: <sha256 hex>}
      signature: <hex HMAC-SHA256 of the canonical JSON below>

The signed message is the canonical JSON (sorted keys, no spaces) of the pin's name, type, title,
description, file names with their SHA-256, and its user metadata without the signature, so no
field a reader relies on can change, and a signed pin cannot be passed off under another name.
Readers given the key (the ``key`` argument, or the ``VETIVER_PIN_KEY`` environment variable,
which is how ``vetiver serve``, its workers and containers get it) refuse unsigned pins and pins
signed with another key, naming which, before any model file is loaded. Setting
``VETIVER_PIN_KEY_REQUIRED=1`` (deploy targets bake it into images of signed pins) makes a
missing key an error instead of a silent unverified read.

HMAC keys are shared secrets: the writer and every reader hold the same key, so use one key per
trust domain and keep it in a secret store. Old versions stay validly signed: a signature proves
who wrote a version, not that it is the newest.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from typing import Any

from ..errors import PinError, PinSignatureError

KEY_ENV = "VETIVER_PIN_KEY"
REQUIRED_ENV = "VETIVER_PIN_KEY_REQUIRED"
SIGNATURE_KEY = "vetiver_signature"
ALGORITHM = "hmac-sha256"


def resolve_key(key: str | bytes | None = None) -> bytes | None:
    """The signing key: ``key`` if given, else ``VETIVER_PIN_KEY``, else None (no signing).

    Raises:
        PinError: no key although ``VETIVER_PIN_KEY_REQUIRED`` is set.
    """
    if key is None:
        key = os.environ.get(KEY_ENV) or None
    if key is None:
        if os.environ.get(REQUIRED_ENV, "").lower() in {"1", "true", "yes"}:
            raise PinError(f"{REQUIRED_ENV} is set but no pin key was given: set {KEY_ENV}")
        return None
    return key.encode("utf-8") if isinstance(key, str) else bytes(key)


def _canonical(value: Any) -> Any:
    """JSON-normal form: what the value reads back as after a YAML round trip through data.txt."""
    return json.loads(json.dumps(value, default=str))


def _message(name: str, pin_type: str, title: str | None, description: str | None,
             files: Mapping[str, str], user: Mapping[str, Any]) -> bytes:  # fmt: skip
    unsigned = {k: v for k, v in user.items() if k != SIGNATURE_KEY}
    body = {"name": name, "type": pin_type, "title": title, "description": description,
            "files": dict(files), "user": unsigned}  # fmt: skip
    return json.dumps(_canonical(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_files(contents: Mapping[str, bytes]) -> dict[str, str]:
    """``{file name: SHA-256 hex}`` of a pin's data files."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in contents.items()}


def sign(key: bytes, *, name: str, pin_type: str, title: str | None, description: str | None,
         contents: Mapping[str, bytes], user: Mapping[str, Any]) -> dict[str, Any]:  # fmt: skip
    """The ``vetiver_signature`` entry for a pin about to be written with this metadata."""
    files = sha256_files(contents)
    mac = hmac.new(key, _message(name, pin_type, title, description, files, user), hashlib.sha256)
    return {"algorithm": ALGORITHM, "files": files, "signature": mac.hexdigest()}


def verify(key: bytes, name: str, meta: Any, contents: Mapping[str, bytes]) -> None:
    """Check a pin version's signature against ``key``; call before loading its files.

    Raises:
        PinSignatureError: the pin is unsigned, signed with another key, or its files or
            metadata changed after signing (the message says which).
    """
    version = meta.version.version
    where = f"pin {name!r} version {version}"
    user = dict(meta.user or {})
    entry = user.get(SIGNATURE_KEY)
    if not isinstance(entry, Mapping) or "signature" not in entry:
        raise PinSignatureError(f"{where} is unsigned, and this reader requires pins signed with its key; not loaded")
    if entry.get("algorithm") != ALGORITHM:
        raise PinSignatureError(f"{where} is signed with {entry.get('algorithm')!r}; this reader checks {ALGORITHM}")
    signed_files = dict(entry.get("files") or {})
    if signed_files != sha256_files(contents):
        raise PinSignatureError(f"{where}: its data files are not the ones that were signed; not loaded")
    expected = hmac.new(
        key, _message(name, meta.type, meta.title, meta.description, signed_files, user), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, str(entry["signature"])):
        raise PinSignatureError(
            f"{where} is signed with a different key (or its metadata changed after signing); not loaded"
        )
