"""The values of flags: takes the text of a flag and gives its typed value (`-` reads stdin, `@PATH` a
file), or an argparse error that names what was expected."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn


def _invalid(message: str) -> NoReturn:
    raise argparse.ArgumentTypeError(message)


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        _invalid(f"expected an integer, got {text!r}")


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        _invalid(f"expected a number, got {text!r}")


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    _invalid(f"expected true or false, got {text!r}")


def _source(text: str) -> str:
    """The text of a flag value: `-` reads stdin, `@PATH` a file, anything else is the value."""
    if text == "-":
        return sys.stdin.read()
    if text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as file:
                return file.read()
        except OSError as exc:
            _invalid(f"cannot read {text[1:]}: {exc.strerror or exc}")
    return text


def _json(text: str) -> Any:
    try:
        return json.loads(_source(text))
    except ValueError as exc:
        _invalid(f"expected JSON ({exc})")


def _object(text: str) -> dict[str, Any]:
    value = _json(text)
    if not isinstance(value, dict):
        _invalid("expected a JSON object")
    return value


def _binary(text: str) -> bytes:
    if text == "-":
        return sys.stdin.buffer.read()
    if text.startswith("@"):
        try:
            with open(text[1:], "rb") as file:
                return file.read()
        except OSError as exc:
            _invalid(f"cannot read {text[1:]}: {exc.strerror or exc}")
    return text.encode("utf-8")


def positive(text: str) -> int:
    value = _integer(text)
    return value if value > 0 else _invalid(f"expected a positive integer, got {text!r}")


def count(text: str) -> int:
    value = _integer(text)
    return value if value >= 0 else _invalid(f"expected 0 or more, got {text!r}")


def seconds(text: str) -> float:
    value = _number(text)
    return value if value > 0 else _invalid(f"expected a positive number of seconds, got {text!r}")


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "object": _object,
    "json": _json,
    "binary": _binary,
}


__all__ = ["CONVERTERS", "count", "positive", "seconds"]
