"""vetiver: version, share, deploy and monitor models."""

__version__ = "0.3.0"
