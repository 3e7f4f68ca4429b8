"""Unions of objects -> the discriminator the models parse them by, from the constants their members hold.

A union (`oneOf`/`anyOf`) whose members are all component objects is discriminated by a property
every member requires with constant values (`const`, an `enum`, a reference to an enum), no value
shared by two members: the models then read that property to pick the member, as the API means.
A discriminator the spec gives is kept, its `mapping` completed from the members' own values, so a
member whose property lists values (`type: {enum: [eq, ne]}`) is picked by them rather than by its
schema name (which its own schema refuses). Members without such a property leave the union as the
spec writes it. Takes the IR's schemas (references naming classes); changes them in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import escape_pointer
from ..naming import pascal
from ..resolver import SCHEMA_PREFIX
from ..schema_keywords import SCHEMA_LIST, SCHEMA_MAP, SCHEMA_VALUE, is_data
from .typemap import ref_name

_UNIONS = ("oneOf", "anyOf")


class Discriminators:
    def __init__(self, schemas: dict[str, Any], free_name: Callable[[str], str]) -> None:
        self.schemas = schemas
        self.free_name = free_name  # a class name no schema has yet, from the one wanted

    def settle(self) -> None:
        """Gives every union of component objects the discriminator its members' constants make. A
        union inside a schema that gets one becomes a component of its own (the models can only
        discriminate a named type), named by its title, else by where it stands (`ItemsEntry`)."""
        for name in list(self.schemas):
            stack: list[tuple[Any, str, bool]] = [(self.schemas[name], name, True)]
            while stack:
                node, hint, top = stack.pop()
                if isinstance(node, list):
                    stack.extend((v, hint, False) for v in node)
                    continue
                if not isinstance(node, dict):
                    continue
                for key, value in list(node.items()):
                    if is_data(key):
                        continue
                    if key in SCHEMA_MAP and isinstance(value, dict):
                        for prop, schema in value.items():
                            value[prop] = self._hoisted(schema, hint + pascal(str(prop)))
                            stack.append((value[prop], hint + pascal(str(prop)), False))
                    elif key in ("items", "additionalProperties") and isinstance(value, dict):
                        wanted = hint + ("Item" if key == "items" else "Value")
                        node[key] = self._hoisted(value, wanted)
                        stack.append((node[key], wanted, False))
                    elif key in SCHEMA_VALUE or key in SCHEMA_LIST:
                        stack.append((value, hint, False))
                if top:
                    self._discriminate(node)

    def _hoisted(self, schema: Any, wanted: str) -> Any:
        """`schema`, or a reference to it stored as a component when it is a union that gets a
        discriminator."""
        if not isinstance(schema, dict) or not self._discriminate(schema):
            return schema
        key = next(k for k in _UNIONS if isinstance(schema.get(k), list))
        members = [v for v in schema[key] if not (isinstance(v, dict) and _is_null(v))]
        stored = {**schema, key: members}
        # The same union as a component (Box writes `Item` inline too): that component.
        same = next((n for n, s in self.schemas.items() if _undiscriminated(s) == _undiscriminated(stored)), None)
        title = schema.get("title")
        name = same or self.free_name(pascal(title) if isinstance(title, str) and pascal(title) else wanted)
        if same is None and isinstance(title, str) and name != pascal(title):
            name = self.free_name(wanted)
        if same is None:
            self.schemas[name] = stored
        reference = {"$ref": SCHEMA_PREFIX + escape_pointer(name)}
        if len(members) == len(schema[key]):
            return reference
        # A null beside the members stays beside the reference: the models discriminate the members.
        return {"anyOf": [reference, {"type": "null"}], **({"default": None} if "default" in schema else {})}

    def _discriminate(self, node: dict[str, Any]) -> bool:
        """Sets the discriminator of a union of component objects; whether it has one now."""
        key = next((k for k in _UNIONS if isinstance(node.get(k), list)), None)
        if key is None:
            return False
        members = [ref_name(v) for v in node[key] if isinstance(v, dict) and not _is_null(v)]
        if len(members) < 2 or any(m is None or m not in self.schemas for m in members):
            return "discriminator" in node
        names = [m for m in members if m is not None]
        given = node.get("discriminator")
        if isinstance(given, dict):
            prop = given.get("propertyName")
            # The spec names the property: its members' values say the tags, required or not.
            raw = given.get("mapping")
            spec_mapping = raw if isinstance(raw, dict) else {}
            if isinstance(prop, str):
                mapping = self._mapping(names, prop, required=False, given=spec_mapping)
                if mapping is not None:
                    node["discriminator"] = {**given, "mapping": mapping}
                self._own_tags(names, prop, mapping or spec_mapping)
            return True
        for prop in self._candidates(names[0]):
            mapping = self._mapping(names, prop, required=True)
            if mapping is not None:
                node["discriminator"] = {"propertyName": prop, "mapping": mapping}
                return True
        return False

    def _own_tags(self, names: list[str], prop: str, mapping: dict[str, Any]) -> None:
        """Gives a member its own tag when it inherits the property from an `allOf` part typed other
        than a plain string (an enum): the models narrow a member's tag to its value(s), which a
        subclass cannot do to such a field, so the member then becomes one flat class (see
        `SchemaNormalizer.settle_inheritance`). Its value: the mapping's keys naming it, else its name."""
        for name in names:
            schema = self.schemas[name]
            own = schema.get("properties")
            if (isinstance(own, dict) and prop in own) or not isinstance(schema.get("allOf"), list):
                continue
            inherited = next(
                (
                    p["properties"][prop]
                    for p in self._parts(name, frozenset())[1:]
                    if prop in (p.get("properties") or {})
                ),
                None,
            )
            if (
                inherited is None
                or "const" in inherited
                or (inherited.get("type") == "string" and "enum" not in inherited)
            ):
                continue  # a constant, or a plain string: narrowed as it stands
            ref = SCHEMA_PREFIX + escape_pointer(name)
            values = [k for k, v in mapping.items() if v == ref] or [name]
            tag = {"const": values[0]} if len(values) == 1 else {"type": "string", "enum": values}
            schema["properties"] = {**(own if isinstance(own, dict) else {}), prop: tag}

    def _mapping(
        self, names: list[str], prop: str, *, required: bool, given: dict[str, Any] | None = None
    ) -> dict[str, str] | None:
        """Tag value -> member, when every member has (`required`: requires) `prop` with constant values.
        With the spec's own `mapping` (`given`), a member without constants goes by its keys, else
        by its name (OpenAPI's implicit value), so only members saying their values change."""
        mapping: dict[str, str] = {}
        for name in names:
            values = self._tags(name, prop, required)
            if not values and given is not None:
                ref = SCHEMA_PREFIX + escape_pointer(name)
                values = [k for k, v in given.items() if v == ref] or [name]
            if not values:
                return None
            for value in values:
                if not isinstance(value, str) or value in mapping:
                    return None
                mapping[value] = SCHEMA_PREFIX + escape_pointer(name)
        return mapping

    def _candidates(self, name: str) -> list[str]:
        """The properties of component `name` (its `allOf` parts' included), in order."""
        found: dict[str, None] = {}
        for schema in self._parts(name, frozenset()):
            properties = schema.get("properties")
            if isinstance(properties, dict):
                found.update(dict.fromkeys(k for k in properties if isinstance(k, str)))
        return list(found)

    def _parts(self, name: str, seen: frozenset[str]) -> list[dict[str, Any]]:
        """Component `name` and the components and inline parts its `allOf` is made of."""
        schema = self.schemas.get(name)
        if not isinstance(schema, dict) or name in seen:
            return []
        found = [schema]
        for part in schema.get("allOf") or []:
            target = ref_name(part) if isinstance(part, dict) else None
            if target is not None:
                found += self._parts(target, seen | {name})
            elif isinstance(part, dict):
                found.append(part)
        return found

    def _tags(self, name: str, prop: str, required: bool) -> list[Any]:
        """The constant values component `name` allows for `prop` (which it must require when
        `required`); [] when they are not constant."""
        present = not required
        values: list[Any] = []
        for schema in self._parts(name, frozenset()):
            if isinstance(schema.get("required"), list) and prop in schema["required"]:
                present = True
            properties = schema.get("properties")
            if isinstance(properties, dict) and prop in properties:
                values = self._constants(properties[prop], frozenset())
        return values if present else []

    def _constants(self, schema: Any, seen: frozenset[str]) -> list[Any]:
        if not isinstance(schema, dict):
            return []
        if "const" in schema:
            return [schema["const"]]
        if isinstance(schema.get("enum"), list):
            return [v for v in schema["enum"] if v is not None]
        target = ref_name(schema)
        if target is not None and target not in seen:
            return self._constants(self.schemas.get(target), seen | {target})
        return []


def _undiscriminated(schema: Any) -> Any:
    return {k: v for k, v in schema.items() if k != "discriminator"} if isinstance(schema, dict) else schema


def _is_null(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null"
