"""Diagnostics that point at the spec: file, line, column and JSON pointer."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value of the spec came from: a file and a JSON pointer into it."""

    file: Path
    pointer: str = ""

    def child(self, *segments: str | int) -> Origin:
        if len(segments) == 1:  # by far the most frequent, on every step of every walk
            return Origin(self.file, self.pointer + "/" + escape_pointer(str(segments[0])))
        tail = "".join("/" + escape_pointer(str(segment)) for segment in segments)
        return Origin(self.file, self.pointer + tail)


_PLAIN = re.compile(r"[A-Za-z_][\w.-]*")


def flow_scalar(text: str) -> str:
    """`text` as a YAML scalar a hint may show inside `{...}`: plain when that reads back the same, else
    double-quoted (a JSON string is a valid YAML one)."""
    plain = _PLAIN.fullmatch(text) and text.lower() not in ("true", "false", "null", "yes", "no", "on", "off", "y", "n")
    return text if plain else json.dumps(text)


def escape_pointer(segment: str) -> str:
    if "~" not in segment and "/" not in segment:
        return segment
    return segment.replace("~", "~0").replace("/", "~1")


def unescape_pointer(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


Level = Literal["error", "warning", "note"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem. An error refuses the build; a warning is reported and the build goes on; a note
    (what the build inferred) is shown under `--verbose` only."""

    message: str
    origin: Origin | None = None
    hint: str | None = None
    # Set when the position is known without a lookup (a YAML syntax error).
    line: int | None = None
    column: int | None = None
    level: Level = "error"

    @property
    def is_warning(self) -> bool:
        return self.level == "warning"

    def located(self, locate: PositionLookup) -> Diagnostic:
        """The same diagnostic with its line and column looked up now (the sources are at hand)."""
        if self.line is not None or self.origin is None:
            return self
        position = locate(self.origin)
        return self if position is None else replace(self, line=position[0], column=position[1])

    def as_error(self) -> Diagnostic:
        return replace(self, level="error")


PositionLookup = Callable[[Origin], tuple[int, int] | None]


def render_diagnostic(diagnostic: Diagnostic, locate: PositionLookup, cwd: Path) -> str:
    """`level: file:line:col #/pointer: message` followed by an indented hint."""
    origin = diagnostic.origin
    if origin is None:
        where = ""
    else:
        where = _display_path(origin.file, cwd)
        position = (diagnostic.line, diagnostic.column or 1) if diagnostic.line is not None else locate(origin)
        if position is not None:
            where += f":{position[0]}:{position[1]}"
        if origin.pointer:
            where += f" #{origin.pointer}"
        where += ": "
    text = f"{diagnostic.level}: {_one_line(where + diagnostic.message)}"
    if diagnostic.hint:
        text += f"\n  hint: {_one_line(diagnostic.hint)}"
    return text


# Control characters and line breaks from the spec (a path `/{a\n}`) shown escaped: one error, one line.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


def _display_path(path: Path, cwd: Path) -> str:
    if path.parent == Path("/__remote__"):  # a fetched document: show its URL
        from urllib.parse import unquote

        return unquote(path.name)
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


class SpecError(Exception):
    """The spec cannot be generated; carries every problem found, not just the first (and the
    warnings found along the way)."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("; ".join(d.message for d in self.diagnostics))

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.level == "error")


class Collector:
    """Gathers diagnostics of every level so one run reports all of them."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def error(self, message: str, origin: Origin | None = None, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(message, origin, hint))

    def warning(self, message: str, origin: Origin | None = None, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(message, origin, hint, level="warning"))

    def note(self, message: str, origin: Origin | None = None, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(message, origin, hint, level="note"))

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_warning]

    @property
    def notes(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "note"]

    def has_errors(self) -> bool:
        return any(d.level == "error" for d in self.diagnostics)

    def raise_if_any(self) -> None:
        """Raises SpecError when any error was found; warnings alone let the build go on."""
        if self.has_errors():
            raise SpecError(self.diagnostics)
