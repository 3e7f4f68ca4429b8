"""Where a part of the generated surface is written in the spec: a resolved spec (and its sources) ->
`file:line` of an operation, a parameter, a request body or one of its properties, a schema, a schema's
property or enum; and those objects themselves, as written, for what the IR does not keep."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Collector, Origin, unescape_pointer
from ..lower.schema_names import class_names, component_schemas
from ..resolver import SCHEMA_PREFIX, ResolvedSpec


@dataclass(frozen=True, order=True)
class Location:
    file: Path
    line: int | None = None

    def shown(self, relative_to: Path) -> str:
        """`file:line`, the file relative to `relative_to` when it is inside it."""
        name = self.file.relative_to(relative_to) if self.file.is_relative_to(relative_to) else self.file
        return f"{name.as_posix()}:{self.line}" if self.line is not None else name.as_posix()


class Locator:
    """Looks places up in one resolved spec. Every answer falls back to the nearest place known."""

    def __init__(self, spec: ResolvedSpec) -> None:
        self.spec = spec
        raw = component_schemas(spec.document)
        names = class_names(raw, Origin(spec.root), Collector())  # problems were reported by the build
        self._schemas = {names[name]: schema for name, schema in raw.items() if name in names}

    def root(self, *tail: str) -> Location:
        """The root file, or a place in it."""
        return self.at(None, Origin(self.spec.root).child(*tail))

    def at(self, value: object, fallback: Origin | None = None, *tail: str) -> Location:
        known = self.spec.origins.get(id(value)) if value is not None else None
        origin = known or fallback or Origin(self.spec.root)
        if tail:
            origin = origin.child(*tail)
        position = self.spec.sources.position(origin)
        return Location(origin.file, position[0] if position else None)

    def operation(self, path: str, method: str) -> Location:
        return self.at(self.operation_object(path, method), Origin(self.spec.root).child("paths", path, method.lower()))

    def parameter(self, path: str, method: str, wire_name: str, location: str) -> Location:
        found = self.parameter_object(path, method, wire_name, location)
        return self.at(found) if found is not None else self.operation(path, method)

    def parameter_object(self, path: str, method: str, wire_name: str, location: str) -> dict[str, Any] | None:
        """The Parameter Object as written: the operation's own, else its path item's."""
        for holder in (self.operation_object(path, method), self.path_item(path)):
            listed = holder.get("parameters") if isinstance(holder, dict) else None
            for parameter in listed if isinstance(listed, list) else []:
                if isinstance(parameter, dict) and (parameter.get("name"), parameter.get("in")) == (
                    wire_name,
                    location,
                ):
                    return parameter
        return None

    def body(self, path: str, method: str) -> Location:
        operation = self.operation_object(path, method)
        body = operation.get("requestBody") if isinstance(operation, dict) else None
        return self.at(body) if isinstance(body, dict) else self.operation(path, method)

    def body_property(self, path: str, method: str, media_type: str, wire_name: str) -> Location:
        """Where the property `wire_name` of the body's schema is written (through `$ref`s and `allOf`),
        else the request body."""
        holder = self._body_holder(path, method, media_type, wire_name)
        return self.at(holder, None, "properties", wire_name) if holder is not None else self.body(path, method)

    def body_property_schema(self, path: str, method: str, media_type: str, wire_name: str) -> Any:
        """The schema of the property `wire_name` of the body's schema, as written; None if not found."""
        holder = self._body_holder(path, method, media_type, wire_name)
        return holder["properties"][wire_name] if holder is not None else None

    def _body_holder(self, path: str, method: str, media_type: str, wire_name: str) -> Any:
        operation = self.operation_object(path, method)
        body = operation.get("requestBody") if isinstance(operation, dict) else None
        content = body.get("content") if isinstance(body, dict) else None
        media = content.get(media_type) if isinstance(content, dict) else None
        return self._holder(media.get("schema") if isinstance(media, dict) else None, wire_name, set())

    def _holder(self, schema: Any, wire_name: str, seen: set[str]) -> Any:
        """The schema whose `properties` name `wire_name`: `schema`, what it refers to, or an `allOf` part."""
        if not isinstance(schema, dict):
            return None
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX) and ref not in seen:
            seen.add(ref)
            schemas = self.component_schemas
            if not isinstance(schemas, dict):
                return None
            return self._holder(schemas.get(unescape_pointer(ref[len(SCHEMA_PREFIX) :])), wire_name, seen)
        properties = schema.get("properties")
        if isinstance(properties, dict) and wire_name in properties:
            return schema
        parts = schema.get("allOf")
        for part in parts if isinstance(parts, list) else []:
            found = self._holder(part, wire_name, seen)
            if found is not None:
                return found
        return None

    def schema(self, class_name: str) -> Location | None:
        """Where the component schema of `class_name` is written; None for a schema hoisted from inline."""
        schema = self._schemas.get(class_name)
        return None if schema is None else self.at(schema)

    def schema_part(self, class_name: str, *tail: str) -> Location | None:
        schema = self._schemas.get(class_name)
        return None if schema is None else self.at(schema, None, *tail)

    @property
    def component_schemas(self) -> Any:
        """`components/schemas` of the resolved spec, as written (where schema `$ref`s point)."""
        components = self.spec.document.get("components")
        return components.get("schemas") if isinstance(components, dict) else None

    def path_item(self, path: str) -> Any:
        paths = self.spec.document.get("paths")
        return paths.get(path) if isinstance(paths, dict) else None

    def operation_object(self, path: str, method: str) -> Any:
        item = self.path_item(path)
        return item.get(method.lower()) if isinstance(item, dict) else None
