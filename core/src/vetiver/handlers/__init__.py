"""Model handlers. Framework handlers live in plugins (``vetiver-sklearn``...); the modules
``vetiver.handlers.<framework>`` are lazy aliases kept for 0.2.6 import paths."""

from .base import BaseHandler, create_handler

__all__ = ["BaseHandler", "create_handler"]
