"""The one rule for enums the models stage cannot take as written. Takes a schema; gives it settled.

- `enum: []` (JSON Schema only recommends a non-empty list) is ignored: the schema reads as if it
  had no `enum` (a client that refused every value would be of no use). The checker warns.
- A value listed twice is listed once (the checker warns).
- Values of mixed scalar types (`["red", 42, null]`, `[true, "off"]`) make an open enum of those
  values; a `type` that does not cover them all is dropped, the values being the type.
- An enum holding an array or an object (no Python literal can be one) gives an open type: the
  JSON types of its values, without the enum.
"""

from __future__ import annotations

from typing import Any

_JSON_TYPE = {str: "string", bool: "boolean", int: "integer", float: "number", list: "array", dict: "object"}


def json_type(value: Any) -> str:
    return "null" if value is None else _JSON_TYPE.get(type(value), "string")


def settled_enum(schema: dict[str, Any]) -> dict[str, Any]:
    enum = schema.get("enum")
    if not isinstance(enum, list):
        return schema
    if not enum:
        return {k: v for k, v in schema.items() if k != "enum"}
    unique = _unique(enum)
    result = {**schema, "enum": unique} if len(unique) != len(enum) else schema
    kinds = sorted({json_type(v) for v in unique})
    if any(kind in ("array", "object") for kind in kinds):
        result = {k: v for k, v in result.items() if k != "enum"}
        if "type" not in result:
            result["type"] = kinds[0] if len(kinds) == 1 else kinds
        return result
    declared = result.get("type")
    declared_kinds = set(declared if isinstance(declared, list) else [declared])
    if "number" in declared_kinds:
        declared_kinds.add("integer")
    if declared is not None and any(kind not in declared_kinds for kind in kinds if kind != "null"):
        result = {k: v for k, v in result.items() if k != "type"}
    return result


def _unique(values: list[Any]) -> list[Any]:
    """`values` without repeats (equal and of one type), in order: a set of the hashable ones, so an
    enum of hundreds of values (currencies, countries) costs a pass, not a pass per value."""
    seen: set[tuple[type, Any]] = set()
    others: list[Any] = []  # arrays and objects, compared one by one
    unique: list[Any] = []
    for value in values:
        try:
            key = (type(value), value)
            if key in seen:
                continue
            seen.add(key)
        except TypeError:
            if any(_same(value, other) for other in others):
                continue
            others.append(value)
        unique.append(value)
    return unique


def _same(a: Any, b: Any) -> bool:
    return a == b and type(a) is type(b)
