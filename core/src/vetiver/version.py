"""The version of vetiver-core, in one place (``vetiver.__version__`` re-exports it)."""

__version__ = "0.3.0"
