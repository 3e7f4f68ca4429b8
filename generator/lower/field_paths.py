"""Field paths into JSON schemas (`data.items`, `meta.next`): takes a schema whose references name model
classes and a path of property names, and gives the schema found there or the step that names nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..resolver import UNRESOLVED
from .typemap import ref_name

# How deep references, `allOf` parts and nullable wrappers are followed: a cycle stops here.
_MAX_HOPS = 32


@dataclass(frozen=True)
class Walked:
    """Where a path led: the schema at its end, or the first step that named no property."""

    schema: dict[str, Any] | None
    missing: str | None = None  # the step not found
    known: tuple[str, ...] = ()  # the properties where it was looked for
    broken: bool = False  # it was looked for in a reference that could not be followed (reported already)

    def schema_items(self) -> Any:
        """The schema of one item, when the path led to an array."""
        return (self.schema or {}).get("items")


def resolved(schemas: Mapping[str, Any], schema: Any) -> dict[str, Any]:
    """`schema` with its `$ref`s followed and a nullable wrapper (`anyOf: [X, null]`) removed."""
    for _ in range(_MAX_HOPS):
        if not isinstance(schema, dict):
            return {}
        name = ref_name(schema)
        if name is not None:
            schema = schemas.get(name)
            continue
        variants = schema.get("anyOf") or schema.get("oneOf")
        if isinstance(variants, list):
            present = [v for v in variants if not (isinstance(v, dict) and v.get("type") == "null")]
            if len(present) == 1:
                schema = present[0]
                continue
        all_of = schema.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1 and "properties" not in schema:
            schema = all_of[0]
            continue
        return schema
    return {}


def properties(schemas: Mapping[str, Any], schema: Any) -> dict[str, Any]:
    """The properties of an object schema, those of its `allOf` parts included (the nearest wins)."""
    found: dict[str, Any] = {}
    pending, hops = [schema], 0
    while pending and hops < _MAX_HOPS:
        hops += 1
        current = resolved(schemas, pending.pop())
        for key, value in (current.get("properties") or {}).items():
            found.setdefault(str(key), value)
        parts = current.get("allOf")
        if isinstance(parts, list):
            pending.extend(reversed(parts))
    return found


def json_types(schemas: Mapping[str, Any], schema: Any) -> set[str]:
    """The JSON types a schema allows besides null; empty when it does not say."""
    current = resolved(schemas, schema)
    kind = current.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()
    if not kinds and (current.get("properties") or current.get("allOf")):
        kinds = {"object"}
    return {str(k) for k in kinds} - {"null"}


def walk(schemas: Mapping[str, Any], schema: Any, path: tuple[str, ...]) -> Walked:
    """The schema at `path` below `schema`; `()` is `schema` itself."""
    current = resolved(schemas, schema)
    for step in path:
        props = properties(schemas, current)
        if step not in props:
            return Walked(None, step, tuple(props), UNRESOLVED in current)
        current = resolved(schemas, props[step])
    return Walked(current)


__all__ = ["Walked", "json_types", "properties", "resolved", "walk"]
