"""Exceptions raised by vetiver.

Every error a user can trigger derives from :class:`VetiverError`, so the CLI can turn it into one
clear line and library users can catch vetiver's errors as a group.
"""

from __future__ import annotations


class VetiverError(Exception):
    """Base class for errors vetiver reports to users."""


class InvalidModelError(VetiverError, TypeError):
    """No installed handler plugin knows this kind of model (0.2.6 name)."""


class PluginError(VetiverError):
    """A plugin is broken, conflicts with another, or is not installed."""


class PluginConflictError(PluginError):
    """Two plugins registered the same name for one extension point."""


class UnknownPluginNameError(PluginError, LookupError):
    """A storage backend, runtime, deploy target or model format name no plugin provides."""


class PinError(VetiverError):
    """A pin could not be read or written."""


class PinNotFoundError(PinError, LookupError):
    """The board holds no pin (or no such version) under that name."""


class PickleConsentError(PinError):
    """Reading the pin would unpickle a file, and the board does not allow pickle reads."""


class PinIntegrityError(PinError):
    """A pin's data file does not match the hash recorded in its metadata."""


class InvalidPinNameError(PinError, ValueError):
    """A pin name, version or data-file name would point outside its pin (``.``, ``..``, a path)."""


class PinSignatureError(PinError):
    """A board read with a signing key holds a pin that is unsigned or signed with another key."""
