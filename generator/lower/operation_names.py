"""Each operation's resource path and method name, before any is lowered. Takes the operations in
spec order; gives (resource path, method name) for each, or () and "" when none can be made.

- The resource path is `x-resource` split at dots; else the first navigational tag (one with no
  `kind`, or `kind: nav`) with its `parent` chain (OpenAPI 3.2 hierarchical tags: `batch` whose parent
  is `beta` gives `beta.batch`); else the first meaningful path segment.
- The method name is `x-method`; else the operationId, FastAPI's route suffix removed; else the HTTP
  method and path. A name so made loses the resource's own words (`data_sinks.list_data_sinks` ->
  `data_sinks.list`) when what is left is not empty, is a plain identifier, and stays unique within
  the resource: when two would collide, both keep their longer names.
"""

from __future__ import annotations

import keyword
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..errors import Origin
from ..naming import method_name_from_operation_id, safe_identifier, snake, without_resource_words
from .context import LowerContext
from .operations import SpecOperation

# Public attributes of the generated clients and resources, which a resource may not replace.
CLIENT_ATTRIBUTES = frozenset(
    {
        *("api_key", "base_url", "close", "default_headers", "is_closed", "max_response_bytes", "max_retries"),
        *("request", "request_page", "request_stream", "retry_non_idempotent", "timeout", "user_agent"),
        *("with_options", "with_raw_response", "with_streaming_response", "on_request", "on_response"),
    }
)
_RESOURCE_ATTRIBUTES = frozenset({"with_raw_response", "with_streaming_response"})
# Names a method may not take: the resource's own attributes, and names its class body would shadow
# for the annotations and defaults after it (`def str(...)`, then `name: str`). A method named `list`
# is fine: annotations in its resource say `builtins.list` (see resources.py).
_METHOD_RESERVED = frozenset(
    {
        "with_raw_response",
        "with_streaming_response",
        "with_options",
        "omit",
        "not_given",
        "datetime",
        "httpx",
        "pydantic",
        "builtins",
    }
    | {"str", "int", "float", "bool", "bytes", "dict", "set", "tuple", "type", "object", "frozenset"}
)

Named = tuple[tuple[str, ...], str, bool]  # resource path, method name, whether `x-method` gave it


def name_operations(ctx: LowerContext, found: Sequence[SpecOperation]) -> list[tuple[Named, str]]:
    """Each operation's name, and the longer name its hoisted models are named after."""
    tags = _TagTree(ctx)
    named: list[Named] = []
    for op in found:
        resource_path = _resource_path(ctx, tags, op.path, op.operation, op.where)
        name = _method_name(ctx, op.path, op.method, op.operation, op.where)
        named.append((resource_path, name, isinstance(op.operation.get("x-method"), str)))
    return list(zip(_without_stutter(named), (name for _, name, _ in named), strict=True))


def _without_stutter(named: list[Named]) -> list[Named]:
    """Derived names less the resource's own words, where the rule of the module docstring allows."""
    sub_resources = {(path[:depth], path[depth]) for path, _, _ in named for depth in range(1, len(path))}
    wanted: list[str] = []
    for path, name, declared in named:
        short = without_resource_words(name, path[-1]) if path and name and not declared else name
        usable = short and short.isidentifier() and not keyword.iskeyword(short) and not short[0].isdigit()
        wanted.append(short if usable and short not in _METHOD_RESERVED else name)
    counts = Counter((path, name) for (path, _, _), name in zip(named, wanted, strict=True))
    originals = Counter((path, name) for path, name, _ in named)
    result: list[Named] = []
    for (path, name, declared), short in zip(named, wanted, strict=True):
        unique = counts[(path, short)] == 1 and (short == name or originals[(path, short)] == 0)
        clash = (path, short) in sub_resources
        result.append((path, short if unique and not clash else name, declared))
    return result


class _TagTree:
    """The document's tags by name, with their `parent` and `kind` (OpenAPI 3.2)."""

    def __init__(self, ctx: LowerContext) -> None:
        self.ctx = ctx
        declared = ctx.doc.get("tags")
        self.tags: dict[str, tuple[dict[str, Any], Origin]] = {}
        for index, tag in enumerate(declared if isinstance(declared, list) else ()):
            if isinstance(tag, dict) and isinstance(tag.get("name"), str):
                self.tags.setdefault(tag["name"], (tag, ctx.origin(tag, ctx.top.child("tags", index))))
        self.reported: set[str] = set()

    def navigational(self, name: str) -> bool:
        tag = self.tags.get(name)
        kind = tag[0].get("kind") if tag is not None else None
        return kind is None or kind == "nav"

    def chain(self, name: str) -> list[str]:
        """`name` preceded by its parents, outermost first."""
        names = [name]
        while True:
            tag = self.tags.get(names[0])
            parent = tag[0].get("parent") if tag is not None else None
            if not isinstance(parent, str):
                return names
            where = tag[1].child("parent") if tag is not None else self.ctx.top
            if parent in names:
                self._warn(names[0], f"tag {names[0]!r} has {parent!r} among its own parents; the chain stops", where)
                return names
            if parent not in self.tags:
                self._warn(names[0], f"tag {names[0]!r} names a parent {parent!r} that is not declared", where)
            names.insert(0, parent)

    def _warn(self, key: str, message: str, where: Origin) -> None:
        if key not in self.reported:
            self.reported.add(key)
            self.ctx.problems.warning(message, where, "declare every parent in the document's `tags`")


def _resource_path(
    ctx: LowerContext, tags: _TagTree, path: str, operation: dict[str, Any], where: Origin
) -> tuple[str, ...]:
    declared = operation.get("x-resource")
    listed = operation.get("tags")
    names: list[str]
    if isinstance(declared, str):
        names = declared.split(".")
    else:
        own = [t for t in listed if isinstance(t, str)] if isinstance(listed, list) else []
        navigational = [t for t in own if tags.navigational(t)]
        if navigational:
            names = tags.chain(navigational[0])
        else:
            segments = [s for s in path.split("/") if s and not s.startswith("{")]
            meaningful = [s for s in segments if not re.fullmatch(r"api|v\d+", s)]
            names = [meaningful[0] if meaningful else "default"]
    # A top-level resource is an attribute of the client, beside its own (`close`, `timeout`).
    parts = tuple(
        safe_identifier(snake(name), CLIENT_ATTRIBUTES if depth == 0 else _RESOURCE_ATTRIBUTES)
        for depth, name in enumerate(names)
    )
    if any(not p for p in parts):
        ctx.problems.error(
            "the resource name is empty after cleaning",
            where.child("x-resource" if isinstance(declared, str) else "tags"),
            "use letters in `x-resource` or the first tag",
        )
        return ()
    return parts


def _method_name(ctx: LowerContext, path: str, method: str, operation: dict[str, Any], where: Origin) -> str:
    """`x-method`, else one made from the operationId, else from the HTTP method and path."""
    declared = operation.get("x-method")
    if isinstance(declared, str):
        name, source = snake(declared), "x-method"
    elif isinstance(operation.get("operationId"), str):
        name = method_name_from_operation_id(operation["operationId"], path, method)
        source = "operationId"
    else:
        name, source = snake(f"{method} {path}"), "path"
    if not name:
        ctx.problems.error(
            f"the method name is empty after cleaning {source}", where.child(source), "use letters in it"
        )
        return ""
    return safe_identifier(name, _METHOD_RESERVED)
