"""What the API marks `deprecated: true`, said at run time: the generated methods call these with the
operation or the arguments given, and the caller's line gets a `DeprecationWarning` (once per line,
by Python's default filters). Type checkers see the same from `@deprecated` on the method."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

from ._types import NotGiven, Omit

# This function, the generated method, then its caller.
_CALLER = 3


def warn_deprecated(operation: str) -> None:
    warnings.warn(f"{operation} is deprecated by the API", DeprecationWarning, stacklevel=_CALLER)


def warn_deprecated_arguments(operation: str, arguments: Mapping[str, object]) -> None:
    """A warning for each argument the caller gave (left at its default, it is not sent)."""
    for keyword, value in arguments.items():
        if not isinstance(value, Omit | NotGiven):
            warnings.warn(
                f"`{keyword}` of {operation} is deprecated by the API", DeprecationWarning, stacklevel=_CALLER
            )


__all__ = ["warn_deprecated", "warn_deprecated_arguments"]
