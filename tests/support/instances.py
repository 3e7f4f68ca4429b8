"""Values a spec's component schemas admit, drawn and checked as OpenAPI reads them.

- `Schemas(document)`: the component schemas of an OpenAPI 3.0/3.1/3.2 document; `draft7` gives one
  as a self-contained draft-7 JSON Schema the instance generator reads, `problems` checks an instance
  against the schema as written with openapi-schema-validator (3.0's `nullable`, 3.1's JSON Schema
  2020-12, discriminators, formats), `draw_components` draws instances of components and keeps
  those the validator accepts.
- `draw(schema, count, seed)`: up to `count` distinct instances of a draft-7 schema
  (hypothesis-jsonschema), the same for the same seed.

The draft-7 copies are a reading, said here once: a value inside another is one of the instances
drawn for its component already (components are drawn in the order of what they hold), unless an
`allOf` part may narrow it, then inlined; a reference going round a cycle, or past two levels of
values, is `false` (an optional property, an array's items or a union member left out); objects
that declare properties get no others; `properties` (or `required`) without `type` is an object; a
discriminator's value that neither its mapping nor a schema name gives is read as the members' own
constants (see `_mapping_less`); a member a mapping names is drawn with the mapping's tag; strings
of the formats the models type (date-time, uuid, duration, decimal, ...) are values of the format.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_PREFIX = "#/components/schemas/"


def load_document(spec: Path) -> dict[str, Any]:
    """The spec as the generator reads it (one document, references kept)."""
    from generator.loader import SourceFiles
    from generator.resolver import resolve

    return resolve(spec, SourceFiles()).document


def component_classes(spec: Path) -> dict[str, str]:
    """Component schema name -> the name of its class in the generated `models`."""
    from generator.errors import Collector, Origin
    from generator.loader import SourceFiles
    from generator.lower.schema_names import class_names, component_schemas, operation_method_names
    from generator.resolver import resolve

    resolved = resolve(spec, SourceFiles())
    document = resolved.document
    return class_names(
        component_schemas(document), Origin(resolved.root), Collector(), operation_method_names(document)
    )


def unescape(pointer: str) -> str:
    return pointer.replace("~1", "/").replace("~0", "~")


def openapi_version(document: dict[str, Any]) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", str(document.get("openapi", "3.0")))
    return (int(match.group(1)), int(match.group(2))) if match else (3, 0)


@dataclass
class Schemas:
    document: dict[str, Any]
    depth: int = 2  # values inside referenced values a copy follows before a reference becomes `false`
    budget: int = 4000  # schema nodes a draft-7 copy may hold before references become `false`
    closed: bool = True  # objects with declared properties get no others in the draft-7 copy
    # Instances drawn so far, by component: a value inside another is one of these, once drawn.
    known: dict[str, list[Any]] = field(default_factory=dict, repr=False)
    _validators: dict[str, Any] = field(default_factory=dict, repr=False)

    def draw_components(self, names: list[str], count: int, seed: int) -> dict[str, list[Any]]:
        """Instances of each component of `names` (and of those they hold, drawn first), each accepted by
        the validator; refused draws are dropped."""
        for name in self.order(names):
            if name in self.known:
                continue
            reference = {"$ref": SCHEMA_PREFIX + escape(name)}
            try:
                drawn = draw(self.draft7(reference), count, seed)
            except Exception:  # the generator gives up on a schema it cannot satisfy
                drawn = []
            self.known[name] = [v for v in drawn if not self.problems(v, reference)]
        return {name: self.known[name] for name in names}

    def order(self, names: list[str]) -> list[str]:
        """`names` and the components their values hold, each after those it holds (cycles broken)."""
        done: list[str] = []
        state: dict[str, int] = {}
        for root in names:
            stack = [(root, iter(sorted(self.nested(root))))]
            state.setdefault(root, 1)
            while stack:
                node, children = stack[-1]
                child = next(children, None)
                if child is None:
                    stack.pop()
                    state[node] = 2
                    done.append(node)
                elif child not in state:
                    state[child] = 1
                    stack.append((child, iter(sorted(self.nested(child)))))
        return done

    def nested(self, name: str) -> set[str]:
        """The components a value of component `name` holds (anything it refers to)."""
        found: set[str] = set()
        stack: list[Any] = [self.components.get(name)]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
                    target = unescape(ref[len(SCHEMA_PREFIX) :])
                    if target in self.components and target != name:
                        found.add(target)
                stack.extend(v for k, v in node.items() if k not in ("example", "examples", "default", "enum", "const"))
            elif isinstance(node, list):
                stack.extend(node)
        return found

    @functools.cached_property
    def mapped(self) -> dict[str, tuple[str, list[str]]]:
        """Component -> (property, values) for a member a discriminator's `mapping` names that inherits
        the property from an `allOf` part rather than saying it: the models give such a member the
        mapping's tag (one flat class, its tag narrowed), so it is drawn with that tag."""
        found: dict[str, tuple[str, list[str]]] = {}
        stack: list[Any] = [self.document.get("paths"), self.components]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                discriminator = node.get("discriminator")
                if not isinstance(discriminator, dict):
                    discriminator = {}
                mapping = discriminator.get("mapping")
                if isinstance(mapping, dict) and isinstance(discriminator.get("propertyName"), str):
                    prop = discriminator["propertyName"]
                    for value, ref in mapping.items():
                        name = unescape(str(ref).rsplit("/", 1)[-1])
                        own = (self.components.get(name) or {}).get("properties") or {}
                        if prop not in own and "allOf" in (self.components.get(name) or {}):
                            found.setdefault(name, (prop, []))[1].append(value)
                stack.extend(node.values())
        return found

    @property
    def components(self) -> dict[str, Any]:
        schemas = (self.document.get("components") or {}).get("schemas") or {}
        return schemas if isinstance(schemas, dict) else {}

    @property
    def oas30(self) -> bool:
        return openapi_version(self.document) < (3, 1)

    def draft7(self, schema: Any) -> Any:
        """`schema` (references into the document) as a self-contained draft-7 JSON Schema."""
        nodes = [0]
        converted = self._convert(schema, 0, frozenset(), nodes)
        return _closed(converted) if self.closed else converted

    def _convert(self, schema: Any, outer: int, here: frozenset[str], nodes: list[int], part: bool = False) -> Any:
        """`schema` converted; `outer`: the values around this one reached through a reference, `here`:
        the components this value is made of so far (through `$ref` and `allOf`); `part`: another
        `allOf` part may narrow this value (or the value holding it), so a reference in it is inlined
        rather than one of the instances drawn already."""
        nodes[0] += 1
        if not isinstance(schema, dict):
            return schema
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = unescape(ref[len(SCHEMA_PREFIX) :]) if ref.startswith(SCHEMA_PREFIX) else None
            if name is None or name not in self.components or name in here:
                return False
            if outer > 0 and name in self.known and not part:  # an `allOf` part narrows: inlined
                return {"enum": self.known[name]} if self.known[name] else False
            if outer >= self.depth or nodes[0] > self.budget:
                return False
            target = self._convert(self.components[name], outer, here | {name}, nodes, part)
            if name in self.mapped:
                prop, values = self.mapped[name]
                target = {"allOf": [target, {"properties": {prop: {"enum": values}}}]}
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            if self.oas30 or not _assertions(siblings):
                return target
            return {"allOf": [target, self._convert(siblings, outer, here, nodes)]}
        inner = outer + (1 if here else 0)
        result: dict[str, Any] = {}
        for key, value in schema.items():
            if key in ("properties", "patternProperties"):
                if isinstance(value, dict):
                    result[key] = {k: self._convert(v, inner, frozenset(), nodes, part) for k, v in value.items()}
            elif key in ("items", "additionalProperties", "contains", "propertyNames"):
                if isinstance(value, list):  # draft-4 tuple items
                    result[key] = [self._convert(v, inner, frozenset(), nodes, part) for v in value]
                else:
                    result[key] = self._convert(value, inner, frozenset(), nodes, part)
            elif key in ("allOf", "anyOf", "oneOf"):
                if isinstance(value, list):
                    result[key] = [self._convert(v, outer, here, nodes, part or key == "allOf") for v in value]
            elif key == "not":
                result[key] = self._convert(value, outer, here, nodes)
            elif key == "prefixItems" and isinstance(value, list):
                result["items"] = [self._convert(v, inner, frozenset(), nodes) for v in value]
                if "items" in schema:
                    result["additionalItems"] = self._convert(schema["items"], inner, frozenset(), nodes)
                continue
            elif key in _KEPT:
                result[key] = value
        if "type" not in result and any(k in result for k in _OBJECT_KEYWORDS) and not _composed(result):
            result["type"] = "object"  # as the generator reads it: an object, not any value
        if self.oas30:
            result = _upgrade_30(result)
        return _discriminated(result, schema, self.components)

    def admits_null(self, name: str) -> bool:
        """Whether component `name` admits null (its class then stands for `Class | None` where used)."""
        return not self.problems(None, {"$ref": SCHEMA_PREFIX + escape(name)})

    def validator(self) -> Any:
        from openapi_schema_validator import (
            OAS30Validator,
            OAS31Validator,
            oas30_format_checker,
            oas31_format_checker,
        )
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4, DRAFT202012

        key = "validator"
        if key not in self._validators:
            cls, checker, spec = (
                (OAS30Validator, oas30_format_checker, DRAFT4)
                if self.oas30
                else (OAS31Validator, oas31_format_checker, DRAFT202012)
            )
            cls = _mapping_less(cls, self.components)
            resource = Resource.from_contents(self.document, default_specification=spec)
            registry: Any = Registry().with_resource("urn:spec", resource)
            self._validators[key] = (cls, checker, registry)
        return self._validators[key]

    def problems(self, instance: Any, schema: Any) -> list[str]:
        """Why `instance` is no value of `schema` (references into the document), as OpenAPI reads it."""
        cls, checker, registry = self.validator()
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#"):
            schema = {**schema, "$ref": "urn:spec" + schema["$ref"]}
        elif isinstance(schema, dict):
            schema = _rebased(schema)
        validator = cls(schema, registry=registry, format_checker=checker)
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(instance)]


_KEPT = frozenset(
    {
        *("type", "enum", "const", "format", "required", "nullable", "minimum", "maximum"),
        *("exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern"),
        *("minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "dependencies"),
        "discriminator",
    }
)
# Keywords that constrain a value (beside `$ref` in 3.1 they apply too); annotations do not.
_ANNOTATIONS = frozenset({"description", "title", "example", "examples", "default", "deprecated", "readOnly"})


_APPLICATORS = ("allOf", "anyOf", "oneOf")
_OBJECT_KEYWORDS = ("properties", "required", "additionalProperties", "patternProperties")


def _composed(schema: dict[str, Any]) -> bool:
    return any(k in schema for k in (*_APPLICATORS, "enum", "const", "not"))


_VALUES = ("properties", "patternProperties")


def _closed(schema: Any) -> Any:
    """`schema` where each object value declaring properties admits no others: undeclared keys make
    instances large and slow to draw, and the models keep them as they are. The names a value may
    hold are those of its `allOf`/`anyOf`/`oneOf` parts too; a value whose parts admit other keys
    (`additionalProperties`, `patternProperties`) stays open."""
    if isinstance(schema, list):
        return [_closed(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    result = _close_children(schema)
    names: set[str] = set()
    if _declared(result, names) and names:
        result = {**result, "properties": {**{n: {} for n in sorted(names)}, **(result.get("properties") or {})}}
        result["additionalProperties"] = False
    return result


def _close_children(schema: dict[str, Any]) -> dict[str, Any]:
    """The values inside `schema` (properties, items, maps) closed; its applicator parts closed the same
    way below them, but not at their own level (their keys belong to the whole)."""
    result = dict(schema)
    for key in _VALUES:
        if isinstance(result.get(key), dict):
            result[key] = {k: _closed(v) for k, v in result[key].items()}
    for key in ("items", "additionalProperties", "additionalItems", "not"):
        if key in result:
            result[key] = _closed(result[key])
    for key in _APPLICATORS:
        if isinstance(result.get(key), list):
            result[key] = [_close_children(v) if isinstance(v, dict) else v for v in result[key]]
    return result


def _declared(schema: Any, names: set[str]) -> bool:
    """Adds the property names `schema` and its applicator parts declare; False when one admits others."""
    if not isinstance(schema, dict):
        return True
    if "additionalProperties" in schema or "patternProperties" in schema:
        return False
    if isinstance(schema.get("properties"), dict):
        names.update(schema["properties"])
    if isinstance(schema.get("required"), list):  # a name required but not declared is admitted too
        names.update(n for n in schema["required"] if isinstance(n, str))
    return all(_declared(part, names) for key in _APPLICATORS for part in schema.get(key) or [])


def _assertions(schema: dict[str, Any]) -> bool:
    return any(k not in _ANNOTATIONS and not k.startswith("x-") and k != "writeOnly" for k in schema)


def _rebased(schema: Any) -> Any:
    """`schema` with its local references made references into the registered document."""
    if isinstance(schema, list):
        return [_rebased(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    rebased = {
        k: ("urn:spec" + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _rebased(v))
        for k, v in schema.items()
    }
    discriminator = rebased.get("discriminator")
    if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
        mapping = {k: "urn:spec" + v if str(v).startswith("#") else v for k, v in discriminator["mapping"].items()}
        rebased["discriminator"] = {**discriminator, "mapping": mapping}
    return rebased


def _upgrade_30(schema: dict[str, Any]) -> dict[str, Any]:
    """OAS 3.0's `nullable` and boolean exclusive bounds as draft 7 says them."""
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
            if isinstance(result.get("enum"), list) and None not in result["enum"]:
                result["enum"] = [*result["enum"], None]
        elif kind is None and any(k in result for k in ("allOf", "anyOf", "oneOf", "enum")):
            result = {"anyOf": [result, {"type": "null"}]}
    return result


def _discriminated(result: dict[str, Any], original: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """A `oneOf`/`anyOf` with a discriminator: each member that is a reference fixes the property to
    its value: the mapping's keys naming it, else the values its own schema lists for the property,
    else its schema's name (see `_mapping_less`)."""
    discriminator = original.get("discriminator")
    result.pop("discriminator", None)
    if not isinstance(discriminator, dict) or not isinstance(discriminator.get("propertyName"), str):
        return result
    prop = discriminator["propertyName"]
    mapping: dict[str, Any] = discriminator["mapping"] if isinstance(discriminator.get("mapping"), dict) else {}
    for key in ("oneOf", "anyOf"):
        branches = original.get(key)
        if not isinstance(branches, list) or key not in result:
            continue
        converted = []
        for branch, done in zip(branches, result[key], strict=True):
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            if not isinstance(ref, str) or done is False:
                converted.append(done)
                continue
            name = unescape(ref.rsplit("/", 1)[-1])
            values = [k for k, v in mapping.items() if v in (ref, name)]
            if not values and _own_constants(components.get(name), prop, components):
                converted.append(done)
                continue
            converted.append({"allOf": [done, {"properties": {prop: {"enum": values or [name]}}, "required": [prop]}]})
        result[key] = converted
    return result


def _own_constants(schema: Any, prop: str, components: dict[str, Any], depth: int = 0) -> bool:
    """Whether `schema` (or a component its `allOf` names) lists the values of `prop` (`const`, `enum`)."""
    if not isinstance(schema, dict) or depth > 10:
        return False
    value = (schema.get("properties") or {}).get(prop)
    if isinstance(value, dict) and ("const" in value or "enum" in value):
        return True
    for part in schema.get("allOf") or []:
        ref = part.get("$ref") if isinstance(part, dict) else None
        target = components.get(unescape(ref.rsplit("/", 1)[-1])) if isinstance(ref, str) else part
        if _own_constants(target, prop, components, depth + 1):
            return True
    return False


def _mapping_less(cls: Any, components: dict[str, Any]) -> Any:
    """The OpenAPI validator `cls`, but for a discriminator value that neither its `mapping` nor a
    component's name gives: then the union is checked as written, its members' own values telling
    them apart. OpenAPI would take the value for a schema name and refuse everything else, which
    makes such unions (OpenAI writes many: `type: {enum: [text]}` members, no mapping) admit no
    value; the generator reads them as their authors meant, and so do these checks."""
    from jsonschema import _keywords as plain
    from jsonschema import validators

    def lenient(keyword: str) -> Any:
        strict = cls.VALIDATORS[keyword]
        as_written = getattr(plain, keyword)

        def check(validator: Any, members: Any, instance: Any, schema: Any) -> Any:
            discriminator = schema.get("discriminator")
            if isinstance(discriminator, dict) and isinstance(instance, dict):
                value = instance.get(discriminator.get("propertyName"))
                named = value in (discriminator.get("mapping") or {}) or value in components
                if isinstance(value, str) and value and not named:
                    return as_written(validator, members, instance, schema)
            return strict(validator, members, instance, schema)

        return check

    return validators.extend(cls, {"oneOf": lenient("oneOf"), "anyOf": lenient("anyOf")})


def _format_strategies() -> dict[str, Any]:
    from hypothesis import strategies as st

    return {
        "uuid": st.uuids().map(str),
        "duration": st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=999)).map(
            lambda d: f"P{d.days}DT{d.seconds}S"
        ),
        "decimal": st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    }


def draw(schema: Any, count: int, seed: int) -> list[Any]:
    """Up to `count` distinct instances of the draft-7 `schema`; none when it admits none."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded
    from hypothesis_jsonschema import from_schema

    if schema is False:
        return []
    found: dict[str, Any] = {}
    strategy = from_schema(schema, custom_formats=_format_strategies(), allow_x00=False)

    @seeded(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.setdefault(json.dumps(value, sort_keys=True), value)

    collect()
    return list(found.values())[:count]


def escape(name: Any) -> str:
    return str(name).replace("~", "~0").replace("/", "~1")
