"""Which OpenAPI object stands under which field, and where a Reference Object may stand for it: the
map the resolver walks a document by (OpenAPI 3.0, 3.1 and 3.2). Takes nothing; gives `FIELDS`,
`ENTRIES` and `slot_of`.

A field missing from these tables is walked as before anything was known of it (`ANY`): its `$ref`s
followed with a warning, its data copied. A name inside a map (a response's status, an example's
name) is never read as a field: a response named `default` is a response, not a default value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Version = tuple[int, int]
# Kinds that are no OpenAPI object: a schema (walked by the schema keywords), data (copied as it is,
# a `$ref` in it included) and a place this table does not describe.
SCHEMA, DATA, ANY = "schema", "data", "any"
_ALWAYS: Version = (3, 0)
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")


@dataclass(frozen=True)
class Slot:
    """What a field holds: one `kind` of object, a map of them (by name) or a list of them; and the
    first OpenAPI version where each may be a Reference Object (None: no version allows one)."""

    kind: str
    shape: Literal["one", "map", "list"] = "one"
    reference: Version | None = None


def _refs(kind: str, shape: Literal["one", "map", "list"] = "map", since: Version = _ALWAYS) -> Slot:
    return Slot(kind, shape, since)


_PARAMETER_FIELDS = {
    "schema": Slot(SCHEMA),
    "content": _refs("media type", since=(3, 2)),
    "examples": _refs("example"),
    "example": Slot(DATA),
}
_ENCODING_FIELDS = {
    "headers": _refs("header"),
    "encoding": Slot("encoding", "map"),
    "prefixEncoding": Slot("encoding", "list"),
    "itemEncoding": Slot("encoding"),
}

FIELDS: dict[str, dict[str, Slot]] = {
    "document": {
        "paths": Slot("paths"),
        "webhooks": _refs("path item", since=(3, 1)),
        "components": Slot("components"),
    },
    "components": {
        "schemas": Slot(SCHEMA, "map"),
        "responses": _refs("response"),
        "parameters": _refs("parameter"),
        "examples": _refs("example"),
        "requestBodies": _refs("request body"),
        "headers": _refs("header"),
        "securitySchemes": _refs("security scheme"),
        "links": _refs("link"),
        "callbacks": _refs("callback"),
        "pathItems": _refs("path item", since=(3, 1)),
        "mediaTypes": _refs("media type", since=(3, 2)),
    },
    "path item": {
        "parameters": _refs("parameter", "list"),
        **{method: Slot("operation") for method in METHODS},
        "additionalOperations": Slot("operation", "map"),
    },
    "operation": {
        "parameters": _refs("parameter", "list"),
        "requestBody": _refs("request body", "one"),
        "responses": Slot("responses"),
        "callbacks": _refs("callback"),
    },
    "request body": {"content": _refs("media type", since=(3, 2))},
    "response": {
        "headers": _refs("header"),
        "content": _refs("media type", since=(3, 2)),
        "links": _refs("link"),
    },
    "parameter": _PARAMETER_FIELDS,
    "header": _PARAMETER_FIELDS,
    "media type": {
        "schema": Slot(SCHEMA),
        "itemSchema": Slot(SCHEMA),
        "examples": _refs("example"),
        "example": Slot(DATA),
        **_ENCODING_FIELDS,
    },
    "encoding": _ENCODING_FIELDS,
    "example": {"value": Slot(DATA), "dataValue": Slot(DATA), "serializedValue": Slot(DATA)},
    "link": {"parameters": Slot(DATA), "requestBody": Slot(DATA)},
    "security scheme": {},
}
# Objects that are maps themselves: what each entry is (extensions aside). A path item's own `$ref`
# is a field of the path item, allowed everywhere.
ENTRIES: dict[str, Slot] = {
    "paths": _refs("path item", "one"),
    "responses": _refs("response", "one"),
    "callback": _refs("path item", "one"),
}
# The objects whose own `$ref` field OpenAPI defines, its siblings kept beside what it points at.
OWN_REFERENCE = frozenset({"path item"})


def slot_of(kind: str, key: str) -> Slot:
    """What the field `key` of an object of `kind` holds (an entry, for a map object)."""
    if key.startswith("x-"):
        return Slot(DATA)
    if kind in ENTRIES:
        return ENTRIES[kind]
    return FIELDS.get(kind, {}).get(key) or Slot(ANY)


def allows_reference(slot: Slot, version: Version) -> bool:
    return slot.reference is not None and version >= slot.reference
