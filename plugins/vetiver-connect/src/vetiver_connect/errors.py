"""What can go wrong deploying to Posit Connect, each said in one line.

Every error derives from :class:`vetiver.errors.VetiverError` (the CLI prints it as one line) and
from the builtin type a caller would naturally catch (``PermissionError`` for a refused key,
``ConnectionError`` for an unreachable server...).
"""

from __future__ import annotations

from vetiver.errors import VetiverError


class ConnectError(VetiverError):
    """Base class of the errors this plugin raises."""


class ConnectConfigError(ConnectError, ValueError):
    """No server URL or API key, or a server object this plugin cannot read."""


class ExtraFileNotFoundError(ConnectError, FileNotFoundError):
    """A file named in ``extra_files`` does not exist."""


class ConnectUnreachableError(ConnectError, ConnectionError):
    """Nothing answers at the server URL (or it is not a Posit Connect server)."""


class ConnectAuthError(ConnectError, PermissionError):
    """The server refused the API key (HTTP 401)."""


class ConnectPermissionError(ConnectError, PermissionError):
    """The key's user may not do this (HTTP 403): publish, or change someone else's content."""


class ContentNotFoundError(ConnectError, LookupError):
    """No content (or bundle) with that GUID (or id)."""


class NameTakenError(ConnectError, FileExistsError):
    """The content name belongs to content this user cannot deploy to."""


class BundleRejectedError(ConnectError, ValueError):
    """The server refused the uploaded bundle (HTTP 400)."""


class BuildFailedError(ConnectError, RuntimeError):
    """The deploy task failed (the requirements did not install); the message ends with the
    task's last lines."""


class DraftCheckFailedError(ConnectError, RuntimeError):
    """The new bundle did not answer its check; it is left as a draft and the previous bundle
    keeps serving."""

    def __init__(self, message: str, *, draft_url: str, bundle_id: str, serving_bundle_id: str | None) -> None:
        super().__init__(message)
        self.draft_url = draft_url
        self.bundle_id = bundle_id
        self.serving_bundle_id = serving_bundle_id


class ContentCheckFailedError(ConnectError, RuntimeError):
    """A server without drafts activated the bundle, and the content does not answer."""


class ConnectAPIError(ConnectError, RuntimeError):
    """Any other error answer from the Connect API."""
