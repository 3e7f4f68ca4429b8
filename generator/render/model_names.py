"""The models library's class names, settled: every schema's class takes the schema's name, and a
class the library named itself steps aside. Takes the library's source and its model metadata (the
schema location each class is made from); gives the source renamed.

The library names a class it makes for an inline value after the property holding it (`tool_choice`
-> `ToolChoice`); met before the schema of that name, it takes the name and the schema's class gets
a number (`ToolChoice6`), so the client would parse into the wrong class. Here the schema's class
takes its name back and the other class the first free numbered one, the same every run. Names
are replaced in the code only: never in docstrings or data, and a field keeps its name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_SCHEMA_PATH = ("components", "schemas")
_CLASS_HEADER = re.compile(r"^class (\w+)\(", re.MULTILINE)
# String literals (longest quotes first) and comments: what a rename leaves alone. Annotations the
# library writes as strings (`list["Filters"]`) are double-quoted type expressions, renamed too.
_LITERAL = re.compile(
    r'"""(?:\\.|[^\\])*?"""|' r"'''(?:\\.|[^\\])*?'''|" r'"(?:\\.|[^"\\\n])*"|' r"'(?:\\.|[^'\\\n])*'|#[^\n]*"
)
_TYPE_TEXT = re.compile(r'"[\w\[\]., |]+"')


def schema_classes(metadata: Mapping[str, Any], schemas: Mapping[str, Any]) -> dict[str, str]:
    """Schema name -> the class the library made of it, from its model metadata. Classes it makes of
    a part of a schema (an `allOf` expanded over a union) carry the schema's location too: the one
    named like the schema wins, then one numbered after it whose fields are the schema's properties."""
    candidates: dict[str, list[dict[str, Any]]] = {}
    for model in metadata.get("models") or ():
        path = list(model.get("source_path") or ())
        if len(path) == 3 and path[:2] == list(_SCHEMA_PATH):
            candidates.setdefault(str(path[2]), []).append(model)
    found: dict[str, str] = {}
    for name, models in candidates.items():
        schema = schemas.get(name)
        properties = frozenset(schema.get("properties") or ()) if isinstance(schema, dict) else frozenset()
        # max() keeps the first of equals: the library's order decides a tie.
        found[name] = str(max(models, key=lambda model: _likeness(model, name, properties)).get("class_name"))
    return found


def _likeness(model: dict[str, Any], name: str, properties: frozenset[str]) -> tuple[bool, bool, bool]:
    """How much the class `model` describes looks like the schema `name`'s own."""
    cls = str(model.get("class_name"))
    aliases = {str(f.get("alias")) for f in model.get("fields") or ()}
    numbered = re.fullmatch(re.escape(name) + r"\d+", cls) is not None
    return cls == name, bool(properties) and aliases == properties, numbered


def class_names(source: str) -> list[str]:
    return _CLASS_HEADER.findall(source)


def settle_names(source: str, classes: Mapping[str, str], reserved: Iterable[str] = ()) -> str:
    """`source` with each schema's class named like the schema (`classes`: schema -> class) and every
    other class off the schema names and off `reserved` (names taken elsewhere)."""
    current = _CLASS_HEADER.findall(source)
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
