"""The models library's class names, settled: every schema's class takes the schema's name, and a
class the library named itself steps aside. Takes the library's source and the names its parser gave
each schema; gives the source renamed.

The library names a class it makes for an inline value after the property holding it (`tool_choice`
-> `ToolChoice`); met before the schema of that name, it takes the name and the schema's class gets
a number (`ToolChoice6`), so the client would parse into the wrong class. Here the schema's class
takes its name back and the other class the first free numbered one, the same every run. Names
are replaced in the code only: never in docstrings or data, and a field keeps its name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..errors import escape_pointer
from .model_modules import DEFINITION  # a class or a type alias: what a schema becomes

_SCHEMA_REF = "#/components/schemas/"
# String literals (longest quotes first) and comments: what a rename leaves alone. Annotations the
# library writes as strings (`list["Filters"]`) are double-quoted type expressions, renamed too.
_LITERAL = re.compile(
    r'"""(?:\\.|[^\\])*?"""|' r"'''(?:\\.|[^\\])*?'''|" r'"(?:\\.|[^"\\\n])*"|' r"'(?:\\.|[^'\\\n])*'|#[^\n]*"
)
_TYPE_TEXT = re.compile(r'"[\w\[\]., |]+"')


@contextmanager
def library_class_names() -> Iterator[dict[str, str]]:
    """While open, records the class name the models library gives each schema location it parsed
    (`#/components/schemas/ToolChoice` -> `ToolChoice6`), read from its parser once parsing is done.

    The library's model metadata (`emit_model_metadata`) says the same in public, but computing it
    (every field's type hint, then JSON) cost 7% of a build; its reference table is at hand and
    free. A library whose parser no longer keeps that table records nothing, and the models stage
    stops saying so (the library is pinned: this can only come with an upgrade)."""
    from datamodel_code_generator.parser.openapi import OpenAPIParser

    found: dict[str, str] = {}
    original = OpenAPIParser.parse

    def parse(self: OpenAPIParser, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        found.update((path, reference.name) for path, reference in self.model_resolver.references.items())
        return result

    OpenAPIParser.parse = parse  # type: ignore[method-assign]  # restored below, whatever happens
    try:
        yield found
    finally:
        OpenAPIParser.parse = original  # type: ignore[method-assign]


def schema_classes(references: Mapping[str, str], schemas: Iterable[str]) -> dict[str, str]:
    """Schema name -> the class the library made of it (`references`: as `library_class_names`
    records them)."""
    found: dict[str, str] = {}
    for name in schemas:
        cls = references.get(_SCHEMA_REF + escape_pointer(name))
        if cls is not None:
            found[name] = cls
    return found


def class_names(source: str) -> list[str]:
    return DEFINITION.findall(source)


def settle_names(source: str, classes: Mapping[str, str], reserved: Iterable[str] = ()) -> str:
    """`source` with each schema's class named like the schema (`classes`: schema -> class) and every
    other class off the schema names and off `reserved` (names taken elsewhere)."""
    current = DEFINITION.findall(source)
    own = set(classes.values())
    moving = {cls: name for name, cls in classes.items() if cls != name}
    avoid = set(classes) | set(reserved)
    taken = (set(current) - set(moving)) | set(moving.values()) | set(reserved)
    renames = dict(moving)
    for cls in current:
        if cls in avoid and cls not in own and cls not in renames:
            n = 2
            while f"{cls}{n}" in taken:
                n += 1
            renames[cls] = f"{cls}{n}"
            taken.add(renames[cls])
    return rename_classes(source, renames) if renames else source


def rename_classes(source: str, renames: Mapping[str, str]) -> str:
    """`source` with the classes renamed at once (a swap is a rename too), in code and string
    annotations; a field (`    Name: ...` in a class body) and an attribute (`x.Name`) keep theirs."""
    names = "|".join(map(re.escape, sorted(renames, key=len, reverse=True)))
    # A field's declaration is matched whole, so the name it declares stays.
    word = re.compile(r"^[ \t]+\w+[ \t]*:(?!=)|(?<![\w.])(" + names + r")\b", re.MULTILINE)

    def code(text: str) -> str:
        return word.sub(lambda m: m.group() if m.group(1) is None else renames[m.group(1)], text)

    pieces: list[str] = []
    done = 0
    for literal in _LITERAL.finditer(source):
        pieces.append(code(source[done : literal.start()]))
        text = literal.group()
        pieces.append(code(text) if _TYPE_TEXT.fullmatch(text) else text)
        done = literal.end()
    pieces.append(code(source[done:]))
    return "".join(pieces)
