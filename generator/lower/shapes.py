"""Schema shapes the models library reads wrongly -> equivalent shapes it reads right, one node at a time
(the normalizer walks the tree). Each rewrite admits at least the values the shape as written admits.

- `allOf` parts that only annotate (`{description: ...}`, `{example: ...}`, `{nullable: false}`) are
  folded into the schema: `allOf: [{$ref: Value}, {example: ...}]` is `Value`, whatever `Value` is (the
  library otherwise makes a class of the parts and keeps one branch of a union).
- An `enum` or `const` beside an `allOf`, `anyOf` or `oneOf` says the value alone: `{type: integer,
  enum: [1], allOf: [{$ref: Kind}]}` is `1` (the library otherwise makes an empty class refusing it).
- `type: object` beside a union of objects with nothing else of an object is left to the members: the
  library otherwise makes a class per member, each deriving from an empty one.
- A union whose members only say which properties must be present (`anyOf: [{required: [email]},
  {required: [phone]}]`) is left out: the object admits them all (the library otherwise makes a class
  per member, their fields at odds).
- `items` without `type` constrains arrays only: the value is an array of those items, or any other
  JSON value (as JSON Schema reads it), not an array always.
- `constant`: a one-value `enum` is a `const` (a `Literal` in the models): a tag a union can be
  discriminated by, rather than an enum class of one member.
- `variant_name`: an inline union member is named by its title, else by its tag, before any number.
"""

from __future__ import annotations

from typing import Any

from ..naming import pascal

# Keywords that describe a value without constraining it.
_ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "default", "deprecated", "readOnly", "writeOnly", "$comment"}
)
_UNIONS = ("anyOf", "oneOf")
_OBJECT_KEYWORDS = frozenset(
    {"properties", "additionalProperties", "patternProperties", "required", "minProperties", "maxProperties"}
)
_ARRAY_KEYWORDS = frozenset({"items", "minItems", "maxItems", "uniqueItems", "prefixItems", "contains"})


def reshaped(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` in a shape the models library reads as written (see the module docstring)."""
    if isinstance(schema.get("allOf"), list):
        schema = _folded(schema)
    if ("enum" in schema or "const" in schema) and any(k in schema for k in ("allOf", *_UNIONS)):
        schema = {k: v for k, v in schema.items() if k not in ("allOf", *_UNIONS)}
    for key in _UNIONS:
        variants = schema.get(key)
        if isinstance(variants, list) and variants and all(_presence_only(v) for v in variants):
            schema = {k: v for k, v in schema.items() if k != key}
    if schema.get("type") == "object" and not any(k in schema for k in _OBJECT_KEYWORDS):
        variants = next((schema[k] for k in _UNIONS if isinstance(schema.get(k), list)), None)
        if variants and all(isinstance(v, dict) and "$ref" in v for v in variants):
            schema = {k: v for k, v in schema.items() if k != "type"}
    if "items" in schema and "type" not in schema and not _composed(schema):
        array = {k: v for k, v in schema.items() if k in _ARRAY_KEYWORDS}
        rest = {k: v for k, v in schema.items() if k not in _ARRAY_KEYWORDS}
        schema = {**rest, "anyOf": [{"type": "array", **array}, {}]}
    return schema


def _presence_only(variant: Any) -> bool:
    """A union member that only says which properties must be there (`{required: [email]}`, `{not:
    {required: [a]}}`): the object admits those properties anyway, so the union can go."""
    if not isinstance(variant, dict):
        return False
    keys = set(variant) - _ANNOTATIONS
    if keys <= {"required", "minProperties", "maxProperties"} and keys:
        return True
    return keys == {"not"} and _presence_only(variant["not"])


def constant(schema: Any) -> Any:
    """`schema` with a one-value `enum` (besides `null`) said as `const` (`enum: [x, null]`: `x` or null)."""
    if not isinstance(schema, dict) or not isinstance(schema.get("enum"), list):
        return schema
    values = [v for v in schema["enum"] if v is not None]
    if len(values) != 1 or isinstance(values[0], dict | list):
        return schema
    result = {k: v for k, v in schema.items() if k != "enum"}
    result["const"] = values[0]
    if None in schema["enum"]:
        # The models library reads a constant beside a `null` type as "the constant or null".
        result["type"] = [_json_type(values[0]), "null"]
    return result


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return "number" if isinstance(value, float) else "string"


def constants(schema: dict[str, Any]) -> bool:
    """Whether `schema` is a union of constants (`oneOf: [{title: RED, const: 1}, ...]`), which the
    models library makes an enum class, the titles naming its members."""
    variants: list[Any] = next((schema[k] for k in _UNIONS if isinstance(schema.get(k), list)), [])
    return bool(variants) and all(isinstance(v, dict) and "const" in v for v in variants)


def _folded(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with its annotation-only `allOf` parts merged into it (what it says itself wins); a
    lone part left is the schema, when nothing else constrains it."""
    parts: list[Any] = schema["allOf"]
    kept = [p for p in parts if not annotation_only(p)]
    if len(kept) == len(parts) and not (len(parts) == 1 and isinstance(parts[0], dict) and "$ref" not in parts[0]):
        return schema
    result = {k: v for k, v in schema.items() if k != "allOf"}
    for part in parts:
        if annotation_only(part):
            for key, value in part.items():
                if key != "nullable":
                    result.setdefault(key, value)
    if not kept:
        return result
    if len(kept) == 1 and isinstance(kept[0], dict) and not _constrains(result):
        # One part left, a reference or a schema of its own: it is the schema (what it says wins).
        return {**result, **kept[0]}
    return {**result, "allOf": kept}


def annotation_only(part: Any) -> bool:
    """A part that constrains nothing: annotations and extensions, `nullable: false`."""
    return isinstance(part, dict) and all(
        key in _ANNOTATIONS or key.startswith("x-") or (key == "nullable" and part[key] is False) for key in part
    )


def _constrains(schema: dict[str, Any]) -> bool:
    return any(key not in _ANNOTATIONS and not key.startswith("x-") and key != "nullable" for key in schema)


def _composed(schema: dict[str, Any]) -> bool:
    return any(key in schema for key in ("allOf", "anyOf", "oneOf", "$ref", "enum", "const"))


def variant_name(hint: str, variant: Any, index: int) -> str:
    """A union member's name: its title, else the constant it is told apart by, else its place."""
    title = variant.get("title") if isinstance(variant, dict) else None
    if isinstance(title, str) and pascal(title):
        return hint + pascal(title)
    tag = _tag(variant)
    return hint + (pascal(tag) if tag is not None and pascal(tag) else f"Variant{index + 1}")


def _tag(variant: Any) -> str | None:
    """The string constant of the first property a member requires with one value (`type: {const: x}`)."""
    properties = variant.get("properties") if isinstance(variant, dict) else None
    required = variant.get("required") if isinstance(variant, dict) else None
    if not isinstance(properties, dict) or not isinstance(required, list):
        return None
    for key in required:
        value = constant(properties.get(key)) if isinstance(key, str) else None
        if isinstance(value, dict) and isinstance(value.get("const"), str):
            return str(value["const"])
    return None
