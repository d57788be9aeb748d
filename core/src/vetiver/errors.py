"""Exceptions raised by vetiver.

Every error a user can trigger derives from :class:`VetiverError`, so the CLI can turn it into one
clear line and library users can catch vetiver's errors as a group.
"""

from __future__ import annotations


def install_hint(distribution: str) -> str:
    """The command that installs a vetiver plugin distribution, from an index and, until it is
    published, from a checkout of the vetiver repository."""
    return f"pip install {distribution} (from a vetiver checkout: pip install ./plugins/{distribution})"


class VetiverError(Exception):
    """Base class for errors vetiver reports to users."""


class InvalidModelError(VetiverError, TypeError):
    """No installed handler plugin knows this kind of model (0.2.6 name)."""


class NoModelAvailableError(VetiverError, ValueError):
    """No model was given (0.2.6 name)."""


class PluginError(VetiverError):
    """A plugin is broken, conflicts with another, or is not installed."""


class PluginNotInstalledError(PluginError, ImportError):
    """A 0.2.6 name (``vetiver.handlers.torch``, ``write_docker``) whose plugin is not installed."""


class PluginConflictError(PluginError):
    """Two plugins registered the same name for one extension point."""


class UnknownPluginNameError(PluginError, LookupError):
    """A storage backend, runtime, deploy target or model format name no plugin provides."""


class PinError(VetiverError):
    """A pin could not be read or written."""


class BoardNotFoundError(PinError, FileNotFoundError):
    """A board URL names a local folder that does not exist."""


class EndpointError(VetiverError, ConnectionError):
    """``vetiver.predict`` could not reach the endpoint (nothing listens there, a bad host...)."""


class PinNotFoundError(PinError, LookupError):
    """The board holds no pin (or no such version) under that name."""


class PickleConsentError(PinError):
    """Reading the pin would unpickle a file, and the board does not allow pickle reads."""


class PinIntegrityError(PinError):
    """A pin's data file does not match the hash recorded in its metadata."""


# --- prototypes and request data -----------------------------------------------------------------

_ACCEPTED_PROTOTYPES = (
    "a pandas DataFrame, a pandas Series, a 2-D numpy array, a pyarrow Table, a dict "
    "(either {column: example} as vetiver 0.2.6 stores it, or a JSON schema with 'properties' "
    "and 'type'), a pydantic BaseModel class or instance, or None"
)


class InvalidPTypeError(VetiverError, ValueError):
    """The data given as a prototype is of a type vetiver cannot build a schema from (0.2.6 name)."""

    def __init__(self, message: str | None = None, *, received: object = None) -> None:
        if message is None:
            name = f"{type(received).__module__}.{type(received).__qualname__}"
            message = (
                f"Cannot build a prototype from an object of type {name}. Expected {_ACCEPTED_PROTOTYPES}. "
                "Support for other types can be added with "
                "`@vetiver.schema.infer.infer_schema.register(MyType)`, returning a TableSchema."
            )
        super().__init__(message)


#: Errors shown by ``str(PrototypeValidationError)``.
_MAX_SHOWN = 5


class PrototypeValidationError(VetiverError, ValueError):
    """Request data does not match the model's prototype.

    ``errors`` is a list of ``{"row", "column", "expected", "received", "message"}`` dicts
    (``row``/``column`` are None when the error is not about one row/column).
    """

    def __init__(self, errors: list[dict]) -> None:
        self.errors = list(errors)
        super().__init__(self._summary())

    def _summary(self) -> str:
        n = len(self.errors)
        head = "; ".join(e["message"] for e in self.errors[:_MAX_SHOWN])
        more = f"; and {n - _MAX_SHOWN} more" if n > _MAX_SHOWN else ""
        return f"{n} validation error{'' if n == 1 else 's'}: {head}{more}"

    def __reduce__(self) -> tuple:
        # Rebuild from the errors, not from the message, when pickled (e.g. across processes).
        return type(self), (self.errors,)

    def to_dict(self) -> dict:
        """``{"detail": [errors]}``, a JSON body for a 422 response."""
        return {"detail": [dict(e) for e in self.errors]}


# --- arguments, files and the command line ---------------------------------------------------------


class InvalidArgumentError(VetiverError, ValueError):
    """An argument has a value vetiver cannot use (the message names the valid ones)."""


class ArgumentTypeError(VetiverError, TypeError):
    """An argument is of a type the function does not take (``validate_frame`` of a list)."""


class UnexpectedArgumentError(VetiverError, TypeError):
    """A function or target got keyword arguments it does not take."""


class PredictionTypeError(VetiverError, ValueError):
    """A ``prediction_type`` the model's handler does not offer."""


class ModelInputError(VetiverError, ValueError):
    """Request data cannot be turned into the input the model takes (missing columns, a row of the
    wrong width, a non-numeric column for a numeric model)."""


class ModelOutputError(VetiverError, TypeError):
    """A model returned something its handler cannot serve."""


class FileExistsRefusedError(VetiverError, FileExistsError):
    """A file vetiver would write exists and ``overwrite`` was not given."""


class CLIError(VetiverError):
    """A command-line usage error: reported as one line with a non-zero exit."""


# --- serving and deploying -------------------------------------------------------------------------


class PredictionRequestError(VetiverError, TypeError):
    """The model API rejected a ``predict()`` request (0.2.6 raised ``TypeError`` for a 422)."""


class WheelBuildError(VetiverError, RuntimeError):
    """A distribution no package index has could not be built as a wheel for a bundle."""


class InvalidPinNameError(PinError, ValueError):
    """A pin name, version or data-file name would point outside its pin (``.``, ``..``, a path)."""


class PinSignatureError(PinError):
    """A board read with a signing key holds a pin that is unsigned or signed with another key."""


# --- monitoring ------------------------------------------------------------------------------------


class MonitorError(VetiverError, ValueError):
    """Monitoring input that cannot be used: a missing column, an unknown period or method
    (a ``ValueError``, as 0.2.6's monitoring functions raised)."""


class MissingDependencyError(VetiverError, ImportError):
    """An optional dependency of monitoring (plotly, scipy) is not installed."""
