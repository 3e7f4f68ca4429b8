"""Checks of the spec's shape that come before any naming: the OpenAPI version, schema keyword values,
types, enums and alias cycles. Takes the document and a problem collector; gives diagnostics only."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import Collector, Origin
from ..schema_keywords import SCHEMA_LIST, SCHEMA_MAP, SCHEMA_VALUE
from .typemap import KNOWN_TYPES, ref_name


def check_version(doc: dict[str, Any], top: Origin, problems: Collector) -> None:
    if "swagger" in doc:
        problems.error(
            f"Swagger {doc['swagger']} (OpenAPI 2.0) is not supported",
            top.child("swagger"),
            "convert it to OpenAPI 3 first (for example with swagger2openapi)",
        )
        return
    version = doc.get("openapi")
    if version is None:
        problems.error("missing `openapi` version field", top, "add `openapi: 3.1.0` at the top")
    elif not re.fullmatch(r"3\.[012]\.\d+", str(version)):
        problems.error(
            f"unsupported OpenAPI version {version!r}",
            top.child("openapi"),
            "this generator reads OpenAPI 3.0.x, 3.1.x and 3.2.x",
        )
    if not isinstance(doc.get("paths") or {}, dict):
        problems.error(
            "`paths` must be a mapping",
            top.child("paths"),
            "map each path to its operations: `paths: {/jobs: {get: {responses: {'200': {description: OK}}}}}`",
        )


class SchemaChecker:
    """Reports a schema's wrong keyword values, unknown types and bad enums where they stand, before
    the models library sees them. A schema shared by several operations is reported once."""

    def __init__(self, problems: Collector, origins: Mapping[int, Origin]) -> None:
        self.problems = problems
        self.origins = origins  # id() of a spec value -> where it was written
        self._checked: set[int] = set()  # ids of schemas already checked

    def check_components(self, raw: dict[str, Any], top: Origin) -> None:
        for name, schema in raw.items():
            self.check(schema, top.child("components", "schemas", name))
        self.check_alias_cycles(raw, top)

    def check_alias_cycles(self, raw: dict[str, Any], top: Origin) -> None:
        """A schema that is only itself (`A: {$ref: B}`, `B: {$ref: A}`; `A: {anyOf: [{$ref: A}]}`)
        has no type. Recursion through properties, items or map values is fine."""
        aliases = {name: _aliased(schema) for name, schema in raw.items()}
        state: dict[str, int] = {}  # 1: on the current path, 2: done

        def visit(name: str, trail: list[str]) -> None:
            state[name] = 1
            for target in aliases.get(name, ()):
                if state.get(target) == 1:
                    cycle = [*trail[trail.index(target) :], target] if target in trail else [name, target]
                    self.problems.error(
                        "schema refers to itself with no object or array in between: " + " -> ".join(cycle),
                        self.origins.get(id(raw[target]), top.child("components", "schemas", target)),
                        "make one of them an object or an array, or point the $ref elsewhere",
                    )
                elif target in aliases and target not in state:
                    visit(target, [*trail, target])
            state[name] = 2

        for name in aliases:
            if name not in state:
                visit(name, [name])

    def check(self, schema: Any, where: Origin) -> None:
        if id(schema) in self._checked:
            return
        self._checked.add(id(schema))
        if not isinstance(schema, dict):
            if not isinstance(schema, bool):
                self.problems.error(
                    "a schema must be a mapping",
                    where,
                    "write it as a mapping, e.g. `{type: string}`, or `true` for any value",
                )
            return
        where = self.origins.get(id(schema), where)
        self._check_type(schema.get("type"), where)
        for key, value in schema.items():
            expected = _KEYWORD_VALUES.get(key)
            if expected is not None and value is not None and not expected[0](value):
                self.problems.error(
                    f"`{key}` must be {expected[1]}, not {value!r:.60}",
                    where.child(key),
                    f"give `{key}` {expected[1]}, or remove it",
                )
        enum = schema.get("enum")
        if enum is not None:
            self._check_enum(enum, where.child("enum"))
        for key in sorted(SCHEMA_MAP):
            children = schema.get(key)
            if isinstance(children, dict):
                for child_name, child in children.items():
                    self.check(child, where.child(key, child_name))
        for key in sorted(SCHEMA_VALUE):
            if isinstance(schema.get(key), dict):
                self.check(schema[key], where.child(key))
        for key in sorted(SCHEMA_LIST):
            variants = schema.get(key)
            if isinstance(variants, list):
                for index, variant in enumerate(variants):
                    self.check(variant, where.child(key, index))

    def _check_type(self, kind: Any, where: Origin) -> None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not all(k is None or isinstance(k, str) for k in kinds):
            self.problems.error(
                f"`type` must be a type name or a list of them, not {kind!r}",
                where.child("type"),
                "use one of " + ", ".join(sorted(KNOWN_TYPES)),
            )
            return
        for k in kinds:
            if k is not None and k not in KNOWN_TYPES:
                self.problems.error(
                    f"unknown type {k!r}",
                    where.child("type"),
                    "use one of " + ", ".join(sorted(KNOWN_TYPES)),
                )

    def _check_enum(self, enum: Any, where: Origin) -> None:
        """Mixed value types are fine (an open enum); see enums.py for what is made of the rest."""
        if not isinstance(enum, list):
            self.problems.error("`enum` must be a list", where, "list the allowed values: `enum: [a, b]`")
            return
        if not enum:
            self.problems.warning(
                "`enum` is empty (no value would be valid); ignored: the schema reads as if it had no `enum`",
                where,
                "list the values, or remove `enum`",
            )
        seen: list[Any] = []
        for value in enum:
            if any(value == s and type(value) is type(s) for s in seen):
                self.problems.warning(f"enum value {value!r:.60} is listed twice", where, "remove the duplicate")
            seen.append(value)


def _aliased(schema: Any) -> set[str]:
    """The components `schema` is made of directly: `$ref`s at its top and in its allOf/anyOf/oneOf."""
    found: set[str] = set()
    if isinstance(schema, dict):
        name = ref_name(schema)
        if name is not None:
            found.add(name)
        for key in ("allOf", "anyOf", "oneOf"):
            if isinstance(schema.get(key), list):
                for member in schema[key]:
                    found |= _aliased(member)
    return found


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value  # not NaN


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _schema_or_bool(value: object) -> bool:
    return isinstance(value, dict | bool)


def _schemas_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict | bool) for v in value)


# The value each schema keyword takes (JSON Schema / OpenAPI), checked before the models library
# sees it, so a wrong one is reported where it stands.
_KEYWORD_VALUES: dict[str, tuple[Callable[[object], bool], str]] = {
    **dict.fromkeys(("title", "description", "format", "pattern", "$ref"), (lambda v: isinstance(v, str), "a string")),
    **dict.fromkeys(("minimum", "maximum"), (_number, "a number")),
    "multipleOf": (lambda v: _number(v) and v > 0, "a number above 0"),  # type: ignore[operator]
    **dict.fromkeys(
        ("exclusiveMinimum", "exclusiveMaximum"), (lambda v: _number(v) or isinstance(v, bool), "a number")
    ),
    **dict.fromkeys(
        ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"),
        (_count, "a whole number, 0 or more"),
    ),
    **dict.fromkeys(
        ("uniqueItems", "nullable", "readOnly", "writeOnly", "deprecated"),
        (lambda v: isinstance(v, bool), "true or false"),
    ),
    "required": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of property names"),
    **dict.fromkeys(("properties", "patternProperties"), (lambda v: isinstance(v, dict), "a mapping of schemas")),
    "items": (lambda v: _schema_or_bool(v) or _schemas_list(v), "a schema"),
    **dict.fromkeys(("additionalProperties", "additionalItems", "propertyNames", "not"), (_schema_or_bool, "a schema")),
    **dict.fromkeys(("allOf", "anyOf", "oneOf", "prefixItems"), (_schemas_list, "a list of schemas")),
    "discriminator": (
        lambda v: isinstance(v, str) or (isinstance(v, dict) and isinstance(v.get("propertyName"), str)),
        "a mapping with a `propertyName`",
    ),
}
