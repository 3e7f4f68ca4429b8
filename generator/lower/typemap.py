"""JSON Schema -> Python annotation text, as written in generated client modules. Render reads `MODELS`
and `ref_name` from here too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import unescape_pointer
from ..resolver import SCHEMA_PREFIX

MODELS = "_models"  # how resource modules import the models module

_PRIMITIVES = {"integer": "int", "number": "float", "boolean": "bool", "null": "None"}
_STRING_FORMATS = {"date-time": "datetime.datetime", "date": "datetime.date", "binary": "bytes"}
KNOWN_TYPES = frozenset({"string", "integer", "number", "boolean", "null", "array", "object"})


def ref_name(schema: Mapping[str, Any]) -> str | None:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
        return unescape_pointer(ref[len(SCHEMA_PREFIX) :])
    return None


def union(parts: list[str]) -> str:
    unique: list[str] = []
    for part in parts:
        for piece in _members(part):
            if piece not in unique:
                unique.append(piece)
    if "Any" in unique:
        return "Any"
    unique = _one_literal(unique)
    # `None` last reads best: `str | None`.
    unique.sort(key=lambda p: p == "None")
    return " | ".join(unique)


def _members(annotation: str, separator: str = " | ") -> list[str]:
    """The members of a union at its top level: `Sequence[A | B] | None` -> `Sequence[A | B]`, `None`
    (with `separator` ", ": the values of a `Literal[...]`)."""
    members: list[str] = []
    depth = start = 0
    quote = ""  # inside a string literal (`Literal['a | [b']`), opened by this quote
    escaped = False
    for index, char in enumerate(annotation):
        if quote:
            escaped, quote = (False, quote) if escaped else (char == "\\", "" if char == quote else quote)
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif depth == 0 and annotation.startswith(separator, index):
            members.append(annotation[start:index])
            start = index + len(separator)
    members.append(annotation[start:])
    return members


def _one_literal(members: list[str]) -> list[str]:
    """`Literal[1] | Literal[2]` as `Literal[1, 2]`, where the first literal stood (ruff's PYI030)."""
    literals = [m for m in members if m.startswith("Literal[") and m.endswith("]")]
    if len(literals) < 2:
        return members
    values: list[str] = []
    for literal in literals:
        for value in _members(literal[len("Literal[") : -1], ", "):
            if value not in values:
                values.append(value)
    merged = "Literal[" + ", ".join(values) + "]"
    first = members.index(literals[0])
    rest = [m for m in members if m not in literals]
    return [*rest[:first], merged, *rest[first:]]


class TypeMapper:
    """Maps schemas whose references already name model classes to annotations."""

    def __init__(self, schemas: Mapping[str, Any]):
        self.schemas = schemas  # live: schemas hoisted later are seen too

    def annotation(self, schema: Any, *, accept_literals: bool = False) -> str:
        """The annotation for a value of `schema`. With `accept_literals`, an enum model also accepts
        its plain values (`BatchJobStatus | Literal["pending", ...]`) so callers may pass strings."""
        if not isinstance(schema, dict) or not schema:
            return "Any"
        name = ref_name(schema)
        if name is not None:
            cls = name
            text = f"{MODELS}.{cls}"
            if accept_literals and "enum" in (self.schemas.get(cls) or {}):
                values = self.schemas.get(cls, {}).get("enum") or []
                literal = self.literal(values)
                if literal:
                    text = f"{text} | {literal}"
            if schema.get("nullable") is True:
                text += " | None"
            return text
        if "const" in schema:
            return self.literal([schema["const"]]) or "Any"
        if isinstance(schema.get("enum"), list):
            literal = self.literal(schema["enum"])
            if literal:
                return union([literal, "None"]) if None in schema["enum"] else literal
        for key in ("anyOf", "oneOf"):
            variants = schema.get(key)
            if isinstance(variants, list) and variants:
                return union([self.annotation(v, accept_literals=accept_literals) for v in variants])
        all_of = schema.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1:
            return self.annotation(all_of[0], accept_literals=accept_literals)
        kind = schema.get("type")
        if isinstance(kind, list):
            return union([self.annotation({**schema, "type": k}, accept_literals=accept_literals) for k in kind])
        text = self._typed(schema, kind, accept_literals)
        if schema.get("nullable") is True and text != "Any":
            text = union([text, "None"])
        return text

    def _typed(self, schema: dict[str, Any], kind: Any, accept_literals: bool) -> str:
        if kind == "string":
            return _STRING_FORMATS.get(str(schema.get("format")), "str")
        if isinstance(kind, str) and kind in _PRIMITIVES:
            return _PRIMITIVES[kind]
        if kind == "array":
            return f"list[{self.annotation(schema.get('items'), accept_literals=accept_literals)}]"
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            extra = schema.get("additionalProperties")
            value = self.annotation(extra) if isinstance(extra, dict) and extra else "Any"
            return f"dict[str, {value}]"
        return "Any"

    def is_class(self, name: str) -> bool:
        """Whether component `name` is a class of the models (an object model or an enum), not a type
        alias (a union, an array, a map, a plain value): a class parses with `model_validate_json`,
        an alias through a `TypeAdapter`. As the models library decides it: an object with
        properties, or without a schema for its other keys; an `allOf` of such; an enum."""
        schema = self.schemas.get(name)
        if not isinstance(schema, dict):
            return False
        if "enum" in schema:
            return True
        if any(k in schema for k in ("anyOf", "oneOf", "$ref", "const")):
            return False
        kind = schema.get("type")
        kinds = [k for k in kind if k != "null"] if isinstance(kind, list) else [kind]
        if kinds not in ([None], ["object"]):
            return False
        parts = schema.get("allOf")
        if isinstance(parts, list) and parts:
            return all(self._object_part(part) for part in parts)
        if schema.get("properties"):
            return True
        # A schema for the other keys (`{}` included) makes a map, `true` or none an open model.
        extra = schema.get("additionalProperties")
        return kinds == ["object"] and "patternProperties" not in schema and not isinstance(extra, dict)

    def _object_part(self, part: Any) -> bool:
        name = ref_name(part) if isinstance(part, dict) else None
        if name is not None:
            return self.is_class(name) and "enum" not in (self.schemas.get(name) or {})
        return isinstance(part, dict) and not any(k in part for k in ("anyOf", "oneOf", "enum", "const", "items"))

    @staticmethod
    def literal(values: list[Any]) -> str:
        """`Literal[...]` of the values, or "" when there is none or one a type checker would refuse
        (an integer beyond 64 bits: mypy does not take it in a Literal)."""
        items = [v for v in values if isinstance(v, str | int | bool) and not isinstance(v, float)]
        if not items or any(isinstance(v, int) and not -(2**63) <= v < 2**63 for v in items):
            return ""
        return "Literal[" + ", ".join(repr(v) for v in items) + "]"

    def json_type(self, schema: Any, seen: frozenset[str] = frozenset()) -> str:
        """The JSON Schema type of a parameter, for docs and the command line."""
        if not isinstance(schema, dict):
            return "string"
        name = ref_name(schema)
        if name is not None:
            return "string" if name in seen else self.json_type(self.schemas.get(name, {}), seen | {name})
        for key in ("anyOf", "oneOf"):
            variants = schema.get(key)
            if isinstance(variants, list):
                kinds = [
                    self.json_type(v, seen) for v in variants if not (isinstance(v, dict) and v.get("type") == "null")
                ]
                if kinds:
                    return kinds[0]
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            return str(kinds[0]) if kinds else "null"
        return str(kind) if isinstance(kind, str) else "string"

    def enum_values(self, schema: Any, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        if not isinstance(schema, dict):
            return ()
        name = ref_name(schema)
        if name is not None:
            return () if name in seen else self.enum_values(self.schemas.get(name, {}), seen | {name})
        if isinstance(schema.get("enum"), list):
            return tuple(str(v) for v in schema["enum"] if v is not None)
        for key in ("anyOf", "oneOf"):
            variants = schema.get(key)
            if isinstance(variants, list):
                for variant in variants:
                    found = self.enum_values(variant, seen)
                    if found:
                        return found
        return ()

    def nullable(self, schema: Any) -> bool:
        if not isinstance(schema, dict):
            return False
        if schema.get("nullable") is True or schema.get("type") == "null":
            return True
        if isinstance(schema.get("type"), list) and "null" in schema["type"]:
            return True
        for key in ("anyOf", "oneOf"):
            variants = schema.get(key)
            if isinstance(variants, list) and any(self.nullable(v) for v in variants):
                return True
        return False
