"""A YAML syntax error -> the line a person has to fix, a message and a hint.

The YAML parser stops where the text stops making sense, which for an indentation mistake or a key
without its `:` is often the line after the mistake. The usual shapes are recognised here from the
lines around the stop, and the error moved to the line that is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_KEY = re.compile(r"^\s*(?:- +)?(?:\"[^\"]*\"|'[^']*'|[^\s#'\"][^#]*?)\s*:(?:\s|$)")


# A flow collection the parser reached the end of: it says so where it noticed, the next line or later.
_UNCLOSED = {"did not find expected ',' or ']'": ("[", "]"), "did not find expected ',' or '}'": ("{", "}")}
_BLOCK_HINTS = {
    "did not find expected key": "check this line's indentation: it must line up with the keys of its mapping",
    "expected <block end>": "check this line's indentation: it must line up with the keys of its mapping",
    "did not find expected '-' indicator": (
        "check this line's indentation: in a list item, keys line up with the first key after `- `"
    ),
}


@dataclass(frozen=True)
class YamlMistake:
    message: str
    hint: str
    line: int | None  # 1-based
    column: int | None


def explain(text: str, exc: yaml.MarkedYAMLError) -> YamlMistake:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "cannot parse"
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    plain = YamlMistake(f"invalid YAML: {problem}", "fix the YAML syntax there", line, column)
    if line is None:
        return plain
    lines = text.splitlines()
    if problem.startswith("could not find expected ':'") and exc.context_mark is not None:
        at = exc.context_mark.line + 1
        return YamlMistake("invalid YAML: a key without its `:`", _colon_hint(lines, at), at, _indent(lines, at) + 1)
    if problem.startswith("mapping values are not allowed"):
        return _misplaced_mapping(lines, line) or plain
    unclosed = _UNCLOSED.get(problem)
    if unclosed is not None and exc.context_mark is not None:
        opened, closing = unclosed
        opening = exc.context_mark
        return YamlMistake(
            f"invalid YAML: the `{opened}` opened here is never closed",
            f"close it with `{closing}`, or quote the value if the `{opened}` is part of its text",
            opening.line + 1,
            opening.column + 1,
        )
    for start, hint in _BLOCK_HINTS.items():
        if problem.startswith(start):
            return YamlMistake(f"invalid YAML: {problem}", hint, line, column)
    return plain


def _misplaced_mapping(lines: list[str], line: int) -> YamlMistake | None:
    """`key: value` where the parser was reading a plain value: the line above lost its `:`, the line
    above is indented less than its siblings, or this line is indented deeper than it should be."""
    above = _significant_before(lines, line)
    if above is None:
        return None
    here, there = _indent(lines, line), _indent(lines, above)
    if here == there and not _KEY.match(lines[above - 1]):
        return YamlMistake("invalid YAML: a key without its `:`", _colon_hint(lines, above), above, there + 1)
    if here <= there:
        return None
    sibling = _significant_before(lines, above)
    if sibling is not None and _indent(lines, sibling) == here and _KEY.match(lines[above - 1]):
        return YamlMistake(
            f"invalid YAML: this line is indented {there} spaces, less than the lines around it ({here})",
            f"indent it by {here} spaces, as the line above it is",
            above,
            there + 1,
        )
    return YamlMistake(
        f"invalid YAML: this line is indented {here} spaces, deeper than the line above it ({there}), which "
        "already has a value",
        f"indent it by {there} spaces, like the line above it, or move that line's value to its own lines",
        line,
        here + 1,
    )


def _colon_hint(lines: list[str], line: int) -> str:
    key = lines[line - 1].strip().split(" ", 1)[0].rstrip(":") or "key"
    return f"write `{key}: value` (quote a value holding a colon followed by a space)"


def _indent(lines: list[str], line: int) -> int:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text) - len(text.lstrip(" "))


def _significant_before(lines: list[str], line: int) -> int | None:
    """The nearest line above `line` holding more than blanks or a comment."""
    for number in range(min(line, len(lines) + 1) - 1, 0, -1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return None
