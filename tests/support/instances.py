"""Values a spec's schemas accept, and whether a generated package's models take them back unchanged.

- `Schemas(document)`: the component schemas of an OpenAPI 3.0/3.1/3.2 document, each as a plain
  JSON Schema (draft 7) an instance generator reads (`draft7`), and an OpenAPI-aware validator of
  instances against the schema as written (`problems`: OAS 3.0's `nullable` and its own keywords,
  3.1's JSON Schema 2020-12, discriminators, formats).
- `draw(schema, count, seed)`: `count` distinct instances of a draft-7 schema (hypothesis-jsonschema),
  the same for the same seed.
- `examples(document)`: every example the document holds with the schema it illustrates (a schema's
  `example` and `examples`, a media type's or parameter's `example` and Example Objects' `value`).
- `round_trips(package_dir, package, cases)`: each case (a class of `models`, instances) parsed from
  JSON by the generated models in a fresh interpreter and dumped back (`mode="json", by_alias=True,
  exclude_unset=True`); what is refused or comes back changed, up to the normalisation of
  date-times, numbers and UUIDs.

References are inlined for the generator to a bounded depth (it reads no recursive schema): past it
a reference becomes `false`, so an optional property, an array's items or a union branch that recurses
further is left out of the instances, and a schema that needs more depth gives no instance.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import math
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_PREFIX = "#/components/schemas/"
# Formats the models type as other than `str`: drawn as values of the format, and checked as such.
_TYPED_FORMATS = ("date", "date-time", "time", "uuid", "duration", "decimal", "ipv4", "ipv6")


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
            reference = {"$ref": SCHEMA_PREFIX + _escape(name)}
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
        stack: list[Any] = [self.components]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                discriminator = node.get("discriminator")
                mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
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
        return not self.problems(None, {"$ref": SCHEMA_PREFIX + _escape(name)})

    def validator(self, version: tuple[int, int] | None = None) -> Any:
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
    return {
        k: ("urn:spec" + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _rebased(v))
        for k, v in schema.items()
    }


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
    mapping = discriminator.get("mapping") if isinstance(discriminator.get("mapping"), dict) else {}
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


# ---------------------------------------------------------------- examples


@dataclass(frozen=True)
class Example:
    where: str  # JSON pointer of the example in the document
    schema: Any  # the schema it illustrates (references into the document)
    value: Any
    target: dict[str, Any] | None  # what parses it in the generated package (see parse_back.py); None: nothing


def examples(document: dict[str, Any], names: dict[str, str]) -> list[Example]:
    """Every example of the document with the schema it is for and what parses it: a component's class
    (`names`: component -> class) for one inside a component schema, the operation's parser for a
    response's, the body's class for a request body's that refers to a component, nothing for a
    parameter's (parameters are sent, not parsed)."""
    found: list[Example] = []
    components = document.get("components") or {}

    def deref(value: Any) -> Any:
        seen = 0
        while isinstance(value, dict) and isinstance(value.get("$ref"), str) and seen < 10:
            ref = value["$ref"]
            if not ref.startswith("#/"):
                return None
            node: Any = document
            for part in ref[2:].split("/"):
                node = node.get(unescape(part)) if isinstance(node, dict) else None
            value, seen = node, seen + 1
        return value

    def schema_examples(schema: Any, where: str, checked: Any, target: dict[str, Any] | None) -> None:
        """A schema's own `example`/`examples`, and those of the schemas inside it; `checked`: the schema
        an example here illustrates (an `allOf` part's example illustrates the whole)."""
        if not isinstance(schema, dict):
            return
        if "example" in schema:
            found.append(Example(f"{where}/example", checked, schema["example"], target))
        if isinstance(schema.get("examples"), list):
            found.extend(Example(f"{where}/examples/{i}", checked, v, target) for i, v in enumerate(schema["examples"]))
        for key, value in schema.items():
            if key in ("properties", "patternProperties") and isinstance(value, dict):
                for name, sub in value.items():
                    move = ["property", name] if key == "properties" else ["values"]
                    at = f"{where}/{key}/{_escape(name)}"
                    schema_examples(sub, at, _pointer(at, sub), _moved(target, move))
            elif key in ("items", "additionalProperties") and isinstance(value, dict):
                at = f"{where}/{key}"
                move = ["items"] if key == "items" else ["values"]
                schema_examples(value, at, _pointer(at, value), _moved(target, move))
            elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
                for i, sub in enumerate(value):
                    at = f"{where}/{key}/{i}"
                    # An example beside a reference in an `allOf` describes the whole value.
                    whole = key == "allOf" and isinstance(sub, dict) and "$ref" not in sub
                    schema_examples(sub, at, checked if whole else _pointer(at, sub), target)

    def holder(item: dict[str, Any], at: str, schema: Any, target: dict[str, Any] | None) -> None:
        """The `example` and `examples` (Example Objects) of a media type or a parameter."""
        if not isinstance(schema, dict):
            return
        if "example" in item:
            found.append(Example(f"{at}/example", schema, item["example"], target))
        if isinstance(item.get("examples"), dict):
            for name, example in item["examples"].items():
                example = deref(example)
                if isinstance(example, dict) and "value" in example:
                    found.append(Example(f"{at}/examples/{_escape(name)}/value", schema, example["value"], target))

    def media(content: Any, where: str, target: Any) -> None:
        for media_type, item in (content or {}).items() if isinstance(content, dict) else ():
            item = deref(item)
            if isinstance(item, dict) and "json" in str(media_type):
                schema = item.get("schema")
                own = target
                if own is None and isinstance(schema, dict):
                    own = _class_target(schema, names)
                holder(item, f"{where}/{_escape(media_type)}", schema, own)

    for name, schema in (components.get("schemas") or {}).items():
        pointer = f"{SCHEMA_PREFIX}{_escape(name)}"
        schema_examples(schema, pointer, {"$ref": pointer}, {"class": names[name], "path": []})
    for path, item in (document.get("paths") or {}).items():
        for method, operation in item.items() if isinstance(item, dict) else ():
            if not isinstance(operation, dict) or method.startswith("x-") or method in ("parameters", "servers"):
                continue
            at = f"#/paths/{_escape(path)}/{method}"
            for i, parameter in enumerate(operation.get("parameters") or []):
                parameter = deref(parameter)
                if isinstance(parameter, dict):
                    holder(parameter, f"{at}/parameters/{i}", parameter.get("schema"), None)
            body = deref(operation.get("requestBody"))
            if isinstance(body, dict):
                media(body.get("content"), f"{at}/requestBody/content", None)
            for code, response in (operation.get("responses") or {}).items():
                response = deref(response)
                if isinstance(response, dict):
                    endpoint = {"endpoint": [method.upper(), path], "status": str(code).upper()}
                    media(response.get("content"), f"{at}/responses/{_escape(code)}/content", endpoint)
    return found


def _pointer(at: str, schema: Any) -> Any:
    """The schema at `at`, as a reference (one that is a reference already, as it is)."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return {"$ref": schema["$ref"]}
    return {"$ref": at}


def _moved(target: dict[str, Any] | None, move: list[str]) -> dict[str, Any] | None:
    return None if target is None else {**target, "path": [*target["path"], move]}


def _class_target(schema: dict[str, Any], names: dict[str, str]) -> dict[str, Any] | None:
    """The class of a body schema that refers to a component."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
        name = unescape(ref[len(SCHEMA_PREFIX) :])
        return {"class": names[name], "path": []} if name in names else None
    return None


def _escape(name: Any) -> str:
    return str(name).replace("~", "~0").replace("/", "~1")


# ---------------------------------------------------------------- parsing by the models


@dataclass(frozen=True)
class Case:
    name: str  # what the instances come from (a schema's name, an example's pointer)
    target: dict[str, Any]  # what parses them (see parse_back.py)
    instances: list[Any]


@dataclass(frozen=True)
class Failure:
    case: str
    instance: Any
    why: str

    def __str__(self) -> str:
        return f"{self.case}: {self.why}\n    input: {json.dumps(self.instance)[:400]}"


def round_trips(out: Path, package: str, cases: list[Case], work: Path) -> list[Failure]:
    """What the models of `package` (in folder `out`) refuse or give back changed, in a fresh interpreter."""
    payload = work / "cases.json"
    payload.write_text(json.dumps([{"target": c.target, "instances": c.instances} for c in cases]), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("parse_back.py")), package, str(payload)],
        cwd=out,
        env={**os.environ, "PYTHONPATH": str(out)},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    failures: list[Failure] = []
    for case, results in zip(cases, json.loads(done.stdout), strict=True):
        for value, result in zip(case.instances, results, strict=True):
            if "refused" in result or "missing" in result:
                why = "refused: " + result["refused"] if "refused" in result else "no parser: " + result["missing"]
                failures.append(Failure(case.name, value, why))
                continue
            difference = differs(value, result["dumped"])
            if difference is not None:
                failures.append(
                    Failure(case.name, value, f"changed at {difference}: {json.dumps(result['dumped'])[:400]}")
                )
    return failures


def differs(sent: Any, back: Any, at: str = "") -> str | None:
    """Where `back` is not `sent`, up to date-times, numbers and UUIDs written otherwise; None if equal."""
    if isinstance(sent, dict) and isinstance(back, dict):
        if set(sent) != set(back):
            return f"{at or '/'} (keys {sorted(set(sent) ^ set(back))[:5]})"
        for key in sent:
            found = differs(sent[key], back[key], f"{at}/{key}")
            if found is not None:
                return found
        return None
    if isinstance(sent, list) and isinstance(back, list):
        if len(sent) != len(back):
            return at or "/"
        for index, (a, b) in enumerate(zip(sent, back, strict=True)):
            found = differs(a, b, f"{at}/{index}")
            if found is not None:
                return found
        return None
    if isinstance(sent, bool) or isinstance(back, bool):
        return None if sent is back else at or "/"
    if isinstance(sent, int | float) and isinstance(back, int | float | str):
        try:
            other = float(back)
        except ValueError:
            return at or "/"
        return None if math.isclose(float(sent), other, rel_tol=1e-9, abs_tol=1e-300) else at or "/"
    if isinstance(sent, str) and isinstance(back, str):
        return None if sent == back or _same_value(sent, back) else at or "/"
    return None if sent == back else at or "/"


def _same_value(a: str, b: str) -> bool:
    for parse in (_datetime, datetime.date.fromisoformat, _time, uuid.UUID, float):
        try:
            if parse(a) == parse(b):  # type: ignore[operator]
                return True
        except (ValueError, TypeError, OverflowError):
            continue
    return False


def _datetime(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))


def _time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text.replace("z", "Z"))


def iter_chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def deep_copy(value: Any) -> Any:
    return copy.deepcopy(value)
