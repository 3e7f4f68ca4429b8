"""What the client and the models share: the sentinels of a left-out argument (`omit`, `not_given`), the
aliases of the per-call options, and the open enums the models' enums derive from."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, IntEnum, StrEnum
from typing import Any, Final, Literal, TypeAlias

import httpx


class Omit:
    """An argument left out: the parameter is not sent at all (distinct from `None`, which may mean null)."""

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "omit"


class NotGiven:
    """An option left at the client's default (e.g. `timeout`)."""

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "not_given"


omit: Final = Omit()
not_given: Final = NotGiven()

# Real objects, not strings: `typing.get_type_hints()` would evaluate a string in the namespace of the
# module that uses the alias, where `Omit` or `httpx` may not be imported.
Headers: TypeAlias = Mapping[str, str | Omit]
Query: TypeAlias = Mapping[str, object]
Body: TypeAlias = object
Timeout: TypeAlias = float | httpx.Timeout | None


class OpenStrEnum(StrEnum):
    """A string enum that keeps values the spec does not list yet instead of failing to parse."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member


class OpenIntEnum(IntEnum):
    """An integer enum that keeps values the spec does not list yet."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        member = int.__new__(cls, value)
        member._name_ = str(value)
        member._value_ = value
        return member


class OpenEnum(Enum):
    """An enum of values of mixed types (`"red"`, `42`, `True`); keeps any other JSON scalar the spec
    does not list yet, like the string and integer enums do."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str | int | float):  # bool is an int
            return None
        member = object.__new__(cls)
        member._name_ = str(value)
        member._value_ = value
        return member


__all__ = [
    "Body",
    "Headers",
    "NotGiven",
    "Omit",
    "OpenEnum",
    "OpenIntEnum",
    "OpenStrEnum",
    "Query",
    "Timeout",
    "httpx",
    "not_given",
    "omit",
]
