"""Resolved spec -> IR. Decides every name and type; reports every problem with its location."""

from .api import lower

__all__ = ["lower"]
