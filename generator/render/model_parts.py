"""The models library's document cut into parts that share no reference, for library runs in parallel
processes, and their sources joined back into one.

Schemas that refer to each other, directly or through others, stay in one part: the library sees
every schema a class needs, and a part generates the same classes, in the same order, as one run
over the whole document would. Parts are balanced by their number of schemas, deterministically.
"""

from __future__ import annotations

from typing import Any

from ..errors import unescape_pointer
from ..resolver import SCHEMA_PREFIX
from .model_modules import DEFINITION

_DATA = frozenset({"default", "example", "examples", "enum", "const"})


def partition(document: dict[str, Any], parts: int) -> list[dict[str, Any]]:
    """`document` (as `models_document` makes it) as up to `parts` documents whose schemas never
    refer to another part's; one document when its schemas are all connected."""
    schemas: dict[str, Any] = document["components"]["schemas"]
    names = list(schemas)
    leader = {name: name for name in names}

    def find(name: str) -> str:
        while leader[name] != name:
            leader[name] = leader[leader[name]]
            name = leader[name]
        return name

    for name, schema in schemas.items():
        for target in _references(schema):
            if target in leader:
                leader[find(target)] = find(name)
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(find(name), []).append(name)
    # The largest group first (the earliest on a tie), into the part holding the fewest schemas so
    # far (the first on a tie).
    order = {name: index for index, name in enumerate(names)}
    bins: list[list[str]] = [[] for _ in range(parts)]
    for group in sorted(groups.values(), key=lambda g: (-len(g), order[g[0]])):
        min(bins, key=len).extend(group)
    return [
        {**document, "components": {"schemas": {n: schemas[n] for n in sorted(part, key=order.__getitem__)}}}
        for part in bins
        if part
    ]


def _references(schema: Any) -> set[str]:
    """The component schemas `schema` refers to (values such as defaults and examples are data)."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
                found.add(unescape_pointer(ref[len(SCHEMA_PREFIX) :]))
            stack += [v for k, v in node.items() if k not in _DATA and not k.startswith("x-")]
        elif isinstance(node, list):
            stack += node
    return found


def join_sources(sources: list[str]) -> str | None:
    """The library's sources of the parts as one: the import lines of all (each once), then every
    class. None when two parts made classes of one name (a name the library chose itself)."""
    imports: list[str] = []
    bodies: list[str] = []
    seen: set[str] = set()
    for source in sources:
        first = DEFINITION.search(source)
        cut = first.start() if first else len(source)
        imports += [line for line in source[:cut].split("\n") if line.strip() and line not in imports]
        names = DEFINITION.findall(source)
        if seen.intersection(names):
            return None
        seen.update(names)
        bodies.append(source[cut:].strip("\n"))
    return "\n".join(imports) + "\n\n\n" + "\n\n\n".join(b for b in bodies if b) + "\n"
