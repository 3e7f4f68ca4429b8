"""Brings component schemas to the one shape the models stage reads well.

- OpenAPI 3.0 idioms become 3.1: `nullable: true` -> a `null` type, boolean exclusive bounds -> numbers.
- `anyOf: [<constrained primitive>, {type: null}]` collapses to `type: [T, "null"]`, so the field is
  a plain `float | None` with its constraints rather than a wrapper model.
- Inline enums and inline objects are hoisted into named schemas (`BatchJob` + `status` ->
  `BatchJobStatus`), so every generated class has a name a person would choose. A nullable one is
  hoisted without its null and referenced as `anyOf: [$ref, null]`; a nullable enum or object
  component is stored without its null and every reference to it made nullable (so the enum class
  stays open, and a class is never asked to be null).
- A property that is `readOnly` or `writeOnly` is not required: one model serves requests and
  responses, and the server never sends the one nor expects the other. Such properties, and
  deprecated ones, say so in their docstring.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

from ..errors import Origin, escape_pointer, unescape_pointer
from ..naming import pascal, safe_class_name
from ..resolver import SCHEMA_PREFIX
from .shapes import annotation_only, constant, reshaped, variant_name

_DATA_KEYWORDS = frozenset({"default", "example", "examples", "enum", "const"})
_PRIMITIVE_TYPES = frozenset({"string", "integer", "number", "boolean", "array"})


class SchemaNormalizer:
    def __init__(self, schemas: dict[str, Any], origins: dict[str, Origin] | None = None) -> None:
        self.schemas = schemas  # class name -> schema; grows as schemas are hoisted
        # Class name -> where its schema is written: a hoisted schema is located at what held it.
        self.origins: dict[str, Origin] = dict(origins or {})
        self.owner: Origin | None = None  # where the schema being normalized is written, when known
        # Enum and object components that allow null: stored without it, referenced as `anyOf: [$ref,
        # null]` (a class cannot be null; a field or a response holding one can).
        self.nullable_classes = frozenset(
            name for name, schema in schemas.items() if isinstance(schema, dict) and _nullable_class(schema)
        )

    def normalize_components(self) -> None:
        for name in list(self.schemas):
            self.owner = self.origins.get(name)
            schema = self.normalize(_annotated(self.schemas[name]), name, nullable_ref=False)
            self.schemas[name] = _without_null(schema)[0] if name in self.nullable_classes else schema

    def settle_inheritance(self) -> None:
        """An `allOf` whose parts give one property two different schemas (`id: string` in the
        parent, `id: integer` here), or two properties one field name, becomes one flat object, the
        nearest part winning: as a subclass, its field would override the base's incompatibly, which
        type checkers refuse. One nested inside a schema is made a component first, so a flat copy
        of a parent's properties holds a reference to it, not another copy (a child inside its own
        parent)."""
        for name in list(self.schemas):
            self._hoist_conflicts(self.schemas[name], name)
        for name in list(self.schemas):
            flat = self._flattened(self.schemas[name], frozenset({name}))
            if flat is not None:
                self.schemas[name] = flat

    def hoist_self_items(self) -> None:
        """`A: {type: array, items: {anyOf: [{$ref: A}, {type: "null"}]}}`: the items get a component
        of their own (`AItem`), because the models library types an array whose items mention the
        array itself as a bare `list`. (Items that are just `{$ref: A}` are typed in models.py.)"""
        for name in list(self.schemas):
            schema = self.schemas[name]
            items = schema.get("items") if isinstance(schema, dict) else None
            if not isinstance(items, dict) or _ref_target(str(items.get("$ref", ""))) == name:
                continue
            if _mentions(items, name, depth=0):
                item_name = self.free_name(name + "Item")
                self.schemas[item_name] = items
                self.schemas[name] = {**schema, "items": {"$ref": SCHEMA_PREFIX + escape_pointer(item_name)}}

    def _hoist_conflicts(self, schema: Any, owner: str) -> None:
        """Makes each conflicting `allOf` below the top of `schema` a component of its own, in place."""
        stack: list[Any] = [schema]
        while stack:
            node = stack.pop()
            slots = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
            for slot, value in list(slots):
                if isinstance(slot, str) and (slot in _DATA_KEYWORDS or slot.startswith("x-")):
                    continue  # values, not schemas
                if isinstance(value, dict) and self._flattened(value, frozenset()) is not None:
                    name = self.free_name(owner + "AllOf")
                    self.schemas[name] = value
                    node[slot] = {"$ref": SCHEMA_PREFIX + escape_pointer(name)}
                if isinstance(value, dict | list):
                    stack.append(value)

    def _flattened(self, schema: Any, trail: frozenset[str]) -> dict[str, Any] | None:
        """`schema` as one flat object when its `allOf` parts disagree on a property, else None."""
        if not isinstance(schema, dict) or not isinstance(schema.get("allOf"), list):
            return None
        seen: dict[str, list[Any]] = {}
        required: list[Any] = []
        if not self._collect(schema, seen, required, trail):
            return None
        # Two wire names can make one field too (`foo$bar`, `foo@bar` -> `foo_bar`).
        fields = Counter(re.sub(r"\W", "_", unicodedata.normalize("NFKC", key)) for key in seen)
        if all(all(f == found[0] for f in found) for found in seen.values()) and max(fields.values(), default=0) < 2:
            return None
        flat = {k: v for k, v in schema.items() if k not in ("allOf", "properties", "required", "type")}
        flat["type"] = "object"
        flat["properties"] = {key: _nearest(found) for key, found in seen.items()}
        if required:
            flat["required"] = list(dict.fromkeys(required))
        return flat

    def _collect(self, schema: Any, seen: dict[str, list[Any]], required: list[Any], trail: frozenset[str]) -> bool:
        """Gathers the properties of `schema`, its `allOf` parts and the components they refer to,
        in order; False when a part is no object (an alias of a string, a union), or a cycle."""
        if not isinstance(schema, dict):
            return False
        target = _ref_target(schema["$ref"]) if isinstance(schema.get("$ref"), str) else None
        if target is not None:
            if target in trail or target not in self.schemas:
                return False
            return self._collect(self.schemas[target], seen, required, trail | {target})
        if schema.get("type", "object") != "object" or "anyOf" in schema or "oneOf" in schema:
            return False
        for part in schema.get("allOf") or []:
            if not self._collect(part, seen, required, trail):
                return False
        properties = schema.get("properties")
        for key, value in (properties if isinstance(properties, dict) else {}).items():
            seen.setdefault(key, []).append(value)
        if isinstance(schema.get("required"), list):
            required.extend(schema["required"])
        return True

    def hoist(self, schema: Any, wanted: str) -> Any:
        """A reference to `schema` stored under a free name based on `wanted`; other schemas as they are.
        A nullable schema is stored without its null and referenced as `anyOf: [$ref, null]`."""
        if not self.hoistable(schema):
            return schema
        stored, nullable = _without_null(schema)
        name = self.free_name(wanted)
        self.schemas[name] = stored
        if self.owner is not None:
            self.origins.setdefault(name, self.owner)
        reference: dict[str, Any] = {"$ref": SCHEMA_PREFIX + escape_pointer(name)}
        if not nullable:
            return reference
        wrapper: dict[str, Any] = {"anyOf": [reference, {"type": "null"}]}
        if "default" in schema and schema["default"] is None:
            wrapper["default"] = None
        return wrapper

    @staticmethod
    def hoistable(schema: Any) -> bool:
        if not isinstance(schema, dict) or "$ref" in schema:
            return False
        enum = schema.get("enum")
        if isinstance(enum, list) and any(v is not None for v in enum):
            return True
        if "discriminator" in schema and ("oneOf" in schema or "anyOf" in schema):
            return True  # the models discriminate a named union only
        kind = schema.get("type")
        is_object = (
            kind is None
            or kind == "object"
            or (isinstance(kind, list) and sorted(map(str, kind)) == ["null", "object"])
        )
        if not is_object:
            return False
        # An object of several `allOf` parts is a class too: named here, not numbered by the library.
        parts = schema.get("allOf")
        return bool(schema.get("properties")) or (isinstance(parts, list) and len(parts) > 1)

    def normalize(self, schema: Any, hint: str, *, nullable_ref: bool = True) -> Any:
        if not isinstance(schema, dict):
            return schema
        schema = reshaped(_upgrade_30(schema))
        ref = schema.get("$ref")
        if nullable_ref and isinstance(ref, str) and _ref_target(ref) in self.nullable_classes:
            outer = {k: v for k, v in schema.items() if k != "$ref"}
            return {**outer, "anyOf": [{"$ref": ref}, {"type": "null"}]}
        result = dict(schema)
        properties = schema.get("properties")
        if isinstance(properties, dict):
            result["properties"] = {
                key: self.child(_annotated(value), hint + pascal(str(key))) for key, value in properties.items()
            }
            required = schema.get("required")
            if isinstance(required, list):
                # A name that is not a string is kept for the schema checks to report where it stands.
                result["required"] = [k for k in required if not isinstance(k, str) or not _one_way(properties.get(k))]
        for key, suffix in (("items", "Item"), ("additionalProperties", "Value")):
            if isinstance(schema.get(key), dict):
                result[key] = _unconstrained(self.child(schema[key], hint + suffix))
        for key in ("anyOf", "oneOf"):
            variants = schema.get(key)
            if isinstance(variants, list):
                # A member admitting anything (`{}`: `items` without `type`) does not count for names.
                real = [v for v in variants if not _is_null(v) and v != {}]
                # With a null variant beside them, references to nullable enums need no null of their own.
                plain = len(real) == len(variants)
                result[key] = [
                    v
                    if _is_null(v)
                    else self.child(v, hint if len(real) == 1 else variant_name(hint, v, i), nullable_ref=plain)
                    for i, v in enumerate(variants)
                ]
                if len(real) > 1:
                    result[key] = [_unconstrained(v) for v in result[key]]
        if isinstance(schema.get("allOf"), list):
            result["allOf"] = [self.normalize(v, hint, nullable_ref=nullable_ref) for v in schema["allOf"]]
        kind = result.get("type")
        if isinstance(kind, list) and len([k for k in kind if k != "null"]) > 1:
            result = _unconstrained(result)
        return _collapse_nullable(result)

    def child(self, schema: Any, hint: str, *, nullable_ref: bool = True) -> Any:
        """`schema` normalized, then hoisted when it is an object or an enum. Its name is settled
        first, so the schemas hoisted from inside it share its prefix (`Body2` has `Body2Customer`)."""
        if isinstance(schema, dict):
            schema = constant(reshaped(_upgrade_30(schema)))
        if self.hoistable(schema):
            hint = self.free_name(hint)
        return self.hoist(self.normalize(schema, hint, nullable_ref=nullable_ref), hint)

    def free_name(self, wanted: str) -> str:
        wanted = safe_class_name(wanted or "Schema")
        name, n = wanted, 2
        while name in self.schemas:
            name, n = f"{wanted}{n}", n + 1
        return name


# Validation keywords of strings, numbers and arrays that the models can keep on a field, but on an
# array's items, a map's values, a member of a union or a value of several types only by wrapping
# the value in a class of its own (`list[CurrentlyDueItem]`, `.root` to read it) or by a call
# inside the annotation (`constr(max_length=3) | int`), which type checkers refuse.
_VALUE_CONSTRAINTS = frozenset(
    {
        *("maxLength", "minLength", "pattern", "minItems", "maxItems", "uniqueItems"),
        *("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    }
)


def _unconstrained(schema: Any) -> Any:
    """`schema` without the constraints of `_VALUE_CONSTRAINTS` when it is a plain value (no
    reference, enum or constant): the server checks what it receives, and a client reading a
    response has no use for refusing a string one character too long."""
    if not isinstance(schema, dict) or "$ref" in schema or "enum" in schema or "const" in schema:
        return schema
    if not any(key in schema for key in _VALUE_CONSTRAINTS):
        return schema
    return {k: v for k, v in schema.items() if k not in _VALUE_CONSTRAINTS}


def _nearest(found: list[Any]) -> Any:
    """The schema of a property the `allOf` parts give several times: the nearest, but one that only
    annotates (`name: {description: ...}`) annotates the one before it."""
    result = found[0]
    for schema in found[1:]:
        result = {**result, **schema} if annotation_only(schema) and isinstance(result, dict) else schema
    return result


def _mentions(schema: Any, name: str, *, depth: int) -> bool:
    """Whether `schema` refers to component `name` in its unions, allOf parts or items."""
    if not isinstance(schema, dict) or depth > 50:
        return False
    if isinstance(schema.get("$ref"), str) and _ref_target(schema["$ref"]) == name:
        return True
    members: list[Any] = [schema.get("items")]
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list):
            members += schema[key]
    return any(_mentions(m, name, depth=depth + 1) for m in members)


def _ref_target(ref: str) -> str | None:
    return unescape_pointer(ref[len(SCHEMA_PREFIX) :]) if ref.startswith(SCHEMA_PREFIX) else None


def _nullable_class(schema: dict[str, Any]) -> bool:
    upgraded = _upgrade_30(schema)
    enum, kind = upgraded.get("enum"), upgraded.get("type")
    if isinstance(enum, list):
        return None in enum and any(v is not None for v in enum)
    return isinstance(kind, list) and sorted(map(str, kind)) == ["null", "object"]


def _without_null(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """`schema` without `null` in its type or enum, and whether it had one."""
    kind, enum = schema.get("type"), schema.get("enum")
    kind_null = isinstance(kind, list) and "null" in kind
    enum_null = isinstance(enum, list) and None in enum
    if not (kind_null or enum_null):
        return schema, False
    result = dict(schema)
    if isinstance(kind, list) and kind_null:
        rest = [k for k in kind if k != "null"]
        if len(rest) == 1:
            result["type"] = rest[0]
        elif rest:
            result["type"] = rest
        else:
            del result["type"]
    if isinstance(enum, list) and enum_null:
        result["enum"] = [v for v in enum if v is not None]
    if "default" in result and result["default"] is None:
        del result["default"]
    return result, True


def _one_way(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("readOnly") is True or schema.get("writeOnly") is True)


def _annotated(schema: Any) -> Any:
    """A schema whose description says it is deprecated, read-only or write-only, when it is."""
    if not isinstance(schema, dict):
        return schema
    description = str(schema.get("description") or "").strip()
    notes = [
        note
        for key, note in (
            ("deprecated", "Deprecated."),
            ("readOnly", "Read-only: set by the server."),
            ("writeOnly", "Write-only: the server never returns it."),
        )
        # A description that says so already is left alone.
        if schema.get(key) is True and note.split(":")[0].rstrip(".").lower() not in description.lower()
    ]
    if not notes:
        return schema
    return {**schema, "description": " ".join([*notes, description]).strip()}


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) <= 2


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
        if (
            not isinstance(kind, str)
            or kind not in _PRIMITIVE_TYPES
            or "$ref" in inner
            or "enum" in inner
            or "const" in inner
        ):
            continue
        merged = {k: v for k, v in schema.items() if k != key}
        for k, v in inner.items():
            merged.setdefault(k, v)
        merged["type"] = [kind, "null"]
        return merged
    return schema
