"""The values of flags: takes the text of a flag and gives its typed value (`-` reads stdin, `@PATH` a
file, or for a file to upload its path), or an argparse error that names what was expected."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
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


def _file(text: str) -> Path | bytes:
    """A file to upload: `@PATH` (sent under its own name, streamed) or `-` for stdin's bytes."""
    if text == "-":
        return sys.stdin.buffer.read()
    if not text.startswith("@"):
        _invalid(f"expected @PATH (a file to upload) or - for stdin, got {text!r}")
    path = Path(text[1:])
    if not path.is_file():
        _invalid(f"cannot read {text[1:]}: no such file")
    return path


def file_reference(value: object) -> object:
    """A file field's value from `--body` JSON: `"@PATH"` is the file, as on its own flag."""
    if isinstance(value, list):
        return [file_reference(item) for item in value]
    return _file(value) if isinstance(value, str) and value.startswith("@") else value


def positive(text: str) -> int:
    value = _integer(text)
    return value if value > 0 else _invalid(f"expected a positive integer, got {text!r}")


def count(text: str) -> int:
    value = _integer(text)
    return value if value >= 0 else _invalid(f"expected 0 or more, got {text!r}")


def seconds(text: str) -> float:
    value = _number(text)
    return value if value > 0 else _invalid(f"expected a positive number of seconds, got {text!r}")


def _duration(text: str) -> float:
    value = _number(text)
    return value if value >= 0 else _invalid(f"expected 0 or more seconds, got {text!r}")


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "object": _object,
    "json": _json,
    "binary": _binary,
    "file": _file,
    "files": _file,
    "seconds": _duration,
}


__all__ = ["CONVERTERS", "count", "file_reference", "positive", "seconds"]
