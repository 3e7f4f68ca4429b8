"""Two annotations of the generated code -> how the second relates to the first: the same, narrower,
wider, or different. The rule (README, "Breaking changes"):

A type is narrower than another when every value it admits the other admits too, and not the other
way round. A union is compared member by member (`str` is narrower than `str | None`); `Literal['a']`
is narrower than `str` (an int literal than `int`), an enum class than `str` (the enums are open `str`
enums), `bool` than `int` and `int` than `float` (Python's numeric tower); everything is narrower than
`Any`; `list[A]`, `dict[K, A]` and the like compare by their arguments, as values a caller passes or
reads. Types with no relation are different.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

Relation = Literal["same", "narrower", "wider", "different"]

# The modules the generated code qualifies names with: `_models.Job`, `_params.JobParam`, `builtins.list`
# (a body field may be named `list`).
_QUALIFIERS = re.compile(r"\b(?:_models|_params|builtins)\.")
_NUMERIC = {("bool", "int"), ("int", "float"), ("bool", "float")}
_LITERAL_BASE = {str: "str", int: "int", bool: "bool"}


def shown(annotation: str) -> str:
    """The annotation as a user reads it: classes without their module."""
    return _QUALIFIERS.sub("", annotation)


def split_union(annotation: str) -> list[str]:
    """The members of a top-level union as written."""
    return _split(annotation, "|")


def members(annotation: str) -> list[str]:
    """The members of a top-level union, `Literal[...]` split into one literal each."""
    found: list[str] = []
    for member in _split(shown(annotation), "|"):
        if member.startswith("Literal[") and member.endswith("]"):
            found.extend(f"Literal[{value}]" for value in _split(member[len("Literal[") : -1], ","))
        else:
            found.append(member)
    return found


class Kinds:
    """What the comparison knows of the models: which are enums, and what a type alias stands for (an
    alias is its members: `Item` and `FileFull | FolderMini` are the same type)."""

    def __init__(self, is_enum: Callable[[str], bool], alias: Callable[[str], str | None]) -> None:
        self.is_enum, self.alias = is_enum, alias

    def __call__(self, name: str) -> bool:
        return self.is_enum(name)


def relation(old: str, new: str, is_enum: Callable[[str], bool] = lambda name: False) -> Relation:
    """How `new` relates to `old`: `narrower` when it admits fewer values."""
    alias = getattr(is_enum, "alias", None)
    old_members, new_members = _opened(members(old), alias), _opened(members(new), alias)
    old_in_new = _union_within(old_members, new_members, is_enum)
    new_in_old = _union_within(new_members, old_members, is_enum)
    if old_in_new and new_in_old:
        return "same"
    if new_in_old:
        return "narrower"
    if old_in_new:
        return "wider"
    return "different"


def _opened(found: list[str], alias: Callable[[str], str | None] | None, depth: int = 0) -> list[str]:
    """The members with each type alias replaced by the members it stands for."""
    if alias is None or depth > 8:
        return found
    opened: list[str] = []
    for member in found:
        stands_for = alias(member)
        opened += _opened(members(stands_for), alias, depth + 1) if stands_for else [member]
    return opened


def _union_within(inner: list[str], outer: list[str], is_enum: Callable[[str], bool]) -> bool:
    return all(any(_within(a, b, is_enum) for b in outer) for a in inner)


def _within(a: str, b: str, is_enum: Callable[[str], bool]) -> bool:
    """Every value of member `a` is a value of member `b`."""
    if a == b or b in ("Any", "object"):
        return True
    if a.startswith("Literal["):
        return b == _literal_base(a[len("Literal[") : -1])
    if (a, b) in _NUMERIC or (b == "str" and is_enum(a)):
        return True
    a_origin, a_args = _generic(a)
    b_origin, b_args = _generic(b)
    if a_origin is None or a_origin != b_origin or len(a_args) != len(b_args):
        return False
    alias = getattr(is_enum, "alias", None)
    return all(
        _union_within(_opened(members(x), alias), _opened(members(y), alias), is_enum)
        for x, y in zip(a_args, b_args, strict=True)
    )


def _literal_base(value: str) -> str | None:
    if value[:1] in ("'", '"'):
        return "str"
    if value in ("True", "False"):
        return "bool"
    return "int" if re.fullmatch(r"-?\d+", value) else None


def _generic(member: str) -> tuple[str | None, list[str]]:
    """`list[int]` -> ('list', ['int']); a member without arguments -> (None, [])."""
    match = re.fullmatch(r"([\w.]+)\[(.*)\]", member)
    if match is None:
        return None, []
    return match.group(1), _split(match.group(2), ",")


def _split(text: str, separator: str) -> list[str]:
    """`text` split at `separator` outside brackets and quotes, each part stripped."""
    parts: list[str] = []
    current: list[str] = []
    depth, quote, escaped = 0, "", False
    for char in text:
        if escaped:
            escaped = False
        elif quote:
            escaped = char == "\\"
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]
