"""Keys standing where OpenAPI does not allow them, and misspelt extensions of this generator: each a
warning with the key most likely meant. Takes the resolved document (the objects the generator reads:
the root, path items, operations, parameters, request bodies, responses, components); gives warnings.

A key that is no field of its object is not read, so it is a finding: a typo (`respones`), an
object nested one level off, or a field of a later OpenAPI version. Extensions (`x-...`) are free,
except ones one typo away from this generator's own (`x-methd` for `x-method`), which would be
ignored silently otherwise. Media type maps (`content`) are checked where they are read (content.py).
"""

from __future__ import annotations

from typing import Any

from ..errors import Origin
from ..extensions import EXTENSIONS, extensions_on, keys_of, nearest
from ..resolver import UNRESOLVED
from .context import LowerContext

Version = tuple[int, int]
# (fields, version that added them) of each object the generator reads.
_FIELDS: dict[str, tuple[tuple[frozenset[str], Version], ...]] = {
    "the document root": (
        (frozenset({"openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs"}), (3, 0)),
        (frozenset({"jsonSchemaDialect", "webhooks"}), (3, 1)),
        (frozenset({"$self"}), (3, 2)),
    ),
    "a path item": (
        (
            frozenset({"$ref", "summary", "description", "servers", "parameters"})
            | frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"}),
            (3, 0),
        ),
        (frozenset({"query", "additionalOperations"}), (3, 2)),
    ),
    "an operation": (
        (
            frozenset({"tags", "summary", "description", "externalDocs", "operationId", "parameters"})
            | frozenset({"requestBody", "responses", "callbacks", "deprecated", "security", "servers"}),
            (3, 0),
        ),
    ),
    "a parameter": (
        (
            frozenset({"name", "in", "description", "required", "deprecated", "allowEmptyValue", "style"})
            | frozenset({"explode", "allowReserved", "schema", "example", "examples", "content"}),
            (3, 0),
        ),
    ),
    "a request body": ((frozenset({"description", "content", "required"}), (3, 0)),),
    "a response": (
        (frozenset({"description", "headers", "content", "links"}), (3, 0)),
        (frozenset({"summary"}), (3, 2)),
    ),
    "`components`": (
        (
            frozenset({"schemas", "responses", "parameters", "examples", "requestBodies", "headers"})
            | frozenset({"securitySchemes", "links", "callbacks"}),
            (3, 0),
        ),
        (frozenset({"pathItems"}), (3, 1)),
        (frozenset({"mediaTypes"}), (3, 2)),
    ),
}
# This generator's own extensions (generator/extensions.py), by the object they stand on, and the keys
# inside those that are one mapping (a list of them, `x-poll`, is checked where it is read).
OWN_EXTENSIONS: dict[str, frozenset[str]] = {
    place: extensions_on(place) for place in ("the document root", "an operation")
}
OWN_KEYS: dict[str, frozenset[str]] = {e.name: keys_of(e.name) for e in EXTENSIONS if e.shape == "mapping"}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")


class PlacementChecker:
    def __init__(self, ctx: LowerContext) -> None:
        self.ctx = ctx
        self.seen: set[int] = set()  # objects checked already (a $ref makes one object stand in many places)

    def check_document(self) -> None:
        doc, top = self.ctx.doc, self.ctx.top
        self.check(doc, "the document root", top)
        paths = doc.get("paths")
        for path, item in paths.items() if isinstance(paths, dict) else ():
            if isinstance(item, dict):
                self.path_item(item, self.ctx.origin(item, top.child("paths", path)))
        components = doc.get("components")
        if isinstance(components, dict):
            where = self.ctx.origin(components, top.child("components"))
            self.check(components, "`components`", where)
            for section, kind in (("parameters", "a parameter"), ("requestBodies", "a request body")):
                self.each(components.get(section), kind, where.child(section))
            self.each(components.get("responses"), "a response", where.child("responses"))

    def path_item(self, item: dict[str, Any], where: Origin) -> None:
        self.check(item, "a path item", where)
        self.parameters(item.get("parameters"), where.child("parameters"))
        operations = [(m, item.get(m)) for m in _METHODS]
        extra = item.get("additionalOperations")
        if isinstance(extra, dict):
            operations += [(str(m), op) for m, op in extra.items()]
        for method, operation in operations:
            if isinstance(operation, dict):
                self.operation(operation, self.ctx.origin(operation, where.child(method)))

    def operation(self, operation: dict[str, Any], where: Origin) -> None:
        self.check(operation, "an operation", where)
        self.parameters(operation.get("parameters"), where.child("parameters"))
        body = operation.get("requestBody")
        if isinstance(body, dict):
            self.check(body, "a request body", self.ctx.origin(body, where.child("requestBody")))
        self.each(operation.get("responses"), "a response", where.child("responses"))

    def parameters(self, value: Any, where: Origin) -> None:
        for index, parameter in enumerate(value if isinstance(value, list) else ()):
            if isinstance(parameter, dict):
                self.check(parameter, "a parameter", self.ctx.origin(parameter, where.child(index)))

    def each(self, value: Any, kind: str, where: Origin) -> None:
        for name, entry in value.items() if isinstance(value, dict) else ():
            if isinstance(entry, dict):
                self.check(entry, kind, self.ctx.origin(entry, where.child(str(name))))

    def check(self, value: dict[str, Any], kind: str, where: Origin) -> None:
        if id(value) in self.seen or UNRESOLVED in value:
            return
        self.seen.add(id(value))
        allowed = {key for fields, since in _FIELDS[kind] for key in fields if since <= self.ctx.version}
        later = {key: since for fields, since in _FIELDS[kind] for key in fields if since > self.ctx.version}
        own = OWN_EXTENSIONS.get(kind, frozenset())
        for key in value:
            if key in allowed or key in own:
                if key in OWN_KEYS and isinstance(value[key], dict):
                    self.own_keys(key, value[key], where.child(key))
            elif key in later:
                since = ".".join(map(str, later[key]))
                self.ctx.problems.warning(
                    f"`{key}` is a field of OpenAPI {since}, and this is an OpenAPI "
                    f"{'.'.join(map(str, self.ctx.version))} document; not read",
                    where.child(key),
                    f"declare `openapi: {since}.0`, or remove `{key}`",
                )
            elif key.startswith("x-"):
                meant = nearest(key, own, any_change=False)
                if meant is not None:
                    self.ctx.problems.warning(
                        f"unknown extension `{key}`; did you mean `{meant}`?", where.child(key), f"rename it `{meant}`"
                    )
            else:
                meant = nearest(key, allowed)
                self.ctx.problems.warning(
                    f"`{key}` is not a field of {kind}; not read"
                    + (f" (did you mean `{meant}`?)" if meant is not None else ""),
                    where.child(key),
                    f"rename it `{meant}`"
                    if meant is not None
                    else "move it where it belongs, or name it `x-...` if it is an extension",
                )

    def own_keys(self, extension: str, value: dict[str, Any], where: Origin) -> None:
        for key in value:
            if key not in OWN_KEYS[extension]:
                meant = nearest(str(key), OWN_KEYS[extension])
                self.ctx.problems.warning(
                    f"`{key}` is not a key of `{extension}`; not read"
                    + (f" (did you mean `{meant}`?)" if meant is not None else ""),
                    where.child(str(key)),
                    "keys: " + ", ".join(sorted(OWN_KEYS[extension])),
                )
