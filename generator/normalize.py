"""Brings component schemas to the one shape the models stage reads well.

- OpenAPI 3.0 idioms become 3.1: `nullable: true` -> a `null` type, boolean exclusive bounds -> numbers.
- `anyOf: [<constrained primitive>, {type: null}]` collapses to `type: [T, "null"]`, so the field is
  a plain `float | None` with its constraints rather than a wrapper model.
- Inline enums and inline objects are hoisted into named schemas (`BatchJob` + `status` ->
  `BatchJobStatus`), so every generated class has a name a person would choose.
"""

from __future__ import annotations

from typing import Any

from .errors import escape_pointer
from .naming import pascal
from .resolver import SCHEMA_PREFIX

_PRIMITIVE_TYPES = frozenset({"string", "integer", "number", "boolean", "array"})


class SchemaNormalizer:
    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas  # class name -> schema; grows as schemas are hoisted

    def normalize_components(self) -> None:
        for name in list(self.schemas):
            self.schemas[name] = self.normalize(self.schemas[name], name)

    def hoist(self, schema: Any, wanted: str) -> Any:
        """A reference to `schema` stored under a free name based on `wanted`; other schemas as they are."""
        if not self.hoistable(schema):
            return schema
        name, n = wanted or "Schema", 2
        while name in self.schemas:
            name, n = f"{wanted}{n}", n + 1
        self.schemas[name] = schema
        reference: dict[str, Any] = {"$ref": SCHEMA_PREFIX + escape_pointer(name)}
        return reference

    @staticmethod
    def hoistable(schema: Any) -> bool:
        if not isinstance(schema, dict) or "$ref" in schema:
            return False
        enum = schema.get("enum")
        if isinstance(enum, list) and len([v for v in enum if v is not None]) > 1:
            return True
        is_object = schema.get("type") == "object" or "type" not in schema
        return is_object and isinstance(schema.get("properties"), dict) and bool(schema["properties"])

    def normalize(self, schema: Any, hint: str) -> Any:
        if not isinstance(schema, dict):
            return schema
        schema = _upgrade_30(schema)
        result = dict(schema)
        properties = schema.get("properties")
        if isinstance(properties, dict):
            result["properties"] = {
                key: self.child(value, hint + pascal(str(key))) for key, value in properties.items()
            }
        for key, suffix in (("items", "Item"), ("additionalProperties", "Value")):
            if isinstance(schema.get(key), dict):
                result[key] = self.child(schema[key], hint + suffix)
        for key in ("anyOf", "oneOf"):
            variants = schema.get(key)
            if isinstance(variants, list):
                real = [v for v in variants if not _is_null(v)]
                result[key] = [
                    v if _is_null(v) else self.child(v, hint if len(real) == 1 else _variant_name(hint, v, i))
                    for i, v in enumerate(variants)
                ]
        if isinstance(schema.get("allOf"), list):
            result["allOf"] = [self.normalize(v, hint) for v in schema["allOf"]]
        return _collapse_nullable(result)

    def child(self, schema: Any, hint: str) -> Any:
        return self.hoist(self.normalize(schema, hint), hint)


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) <= 2


def _variant_name(hint: str, variant: Any, index: int) -> str:
    title = variant.get("title") if isinstance(variant, dict) else None
    return hint + (pascal(title) if isinstance(title, str) and pascal(title) else f"Variant{index + 1}")


def _upgrade_30(schema: dict[str, Any]) -> dict[str, Any]:
    if not any(k in schema for k in ("nullable", "exclusiveMinimum", "exclusiveMaximum")):
        return schema
    result = dict(schema)
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = result.get(bound)
        if isinstance(flag, bool):
            del result[bound]
            if flag and limit in result:
                result[bound] = result.pop(limit)
    if result.pop("nullable", False) is True:
        kind = result.get("type")
        if isinstance(kind, str):
            result["type"] = [kind, "null"]
        elif isinstance(kind, list):
            result["type"] = [*kind, "null"] if "null" not in kind else kind
        elif "$ref" in result or "allOf" in result or "anyOf" in result or "oneOf" in result:
            inner = {k: v for k, v in result.items() if k in ("$ref", "allOf", "anyOf", "oneOf")}
            outer = {k: v for k, v in result.items() if k not in inner}
            result = {**outer, "anyOf": [inner, {"type": "null"}]}
        if isinstance(result.get("enum"), list) and None not in result["enum"]:
            result["enum"] = [*result["enum"], None]
    return result


def _collapse_nullable(schema: dict[str, Any]) -> dict[str, Any]:
    for key in ("anyOf", "oneOf"):
        variants = schema.get(key)
        if not isinstance(variants, list) or len(variants) != 2:
            continue
        nulls = [v for v in variants if _is_null(v)]
        real = [v for v in variants if not _is_null(v)]
        if len(nulls) != 1 or len(real) != 1 or not isinstance(real[0], dict):
            continue
        inner = real[0]
        kind = inner.get("type")
        if kind not in _PRIMITIVE_TYPES or "$ref" in inner or "enum" in inner or "const" in inner:
            continue
        merged = {k: v for k, v in schema.items() if k != key}
        for k, v in inner.items():
            merged.setdefault(k, v)
        merged["type"] = [kind, "null"]
        return merged
    return schema
