"""Follows every `$ref` (local and relative files) into one self-contained document.

Schema references stay references, but all of them point at `#/components/schemas/<name>`:
schemas that live in other files, or anywhere else, are hoisted there. Every other
reference (parameters, responses, path items, ...) is replaced by what it points at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

from .errors import Collector, Diagnostic, Origin, SpecError, escape_pointer, unescape_pointer
from .loader import SourceFiles, is_remote, remote_path, remote_url

SCHEMA_PREFIX = "#/components/schemas/"
UNRESOLVED = "x-unresolved-ref"  # stands in for a reference that could not be followed (already reported)

# Keys whose value is one schema, a map of schemas, or a list of schemas, inside a schema.
_SCHEMA_VALUE = {
    "items", "additionalProperties", "not", "contains", "if", "then", "else", "propertyNames",
    "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema",
}  # fmt: skip
_SCHEMA_MAP = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
_SCHEMA_LIST = {"allOf", "anyOf", "oneOf", "prefixItems"}
# Literal data: never scanned for references.
_LITERAL = {"example", "examples", "default", "enum", "const", "x-examples"}


@dataclass
class ResolvedSpec:
    document: dict[str, Any]
    root: Path
    sources: SourceFiles
    # id() of every mapping and list in `document` -> where it was written.
    origins: dict[int, Origin] = field(default_factory=dict)
    # Broken references, reported together with what the later stages find.
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def origin(self, value: object, fallback: Origin | None = None) -> Origin:
        return self.origins.get(id(value)) or fallback or Origin(self.root)


Target = tuple[Path, str]


class _Resolver:
    def __init__(self, root: Path, sources: SourceFiles, allow_remote: bool) -> None:
        self.root = root
        self.root_dir = root.parent
        self.sources = sources
        self.allow_remote = allow_remote
        self.problems = Collector()
        self.origins: dict[int, Origin] = {}
        self.schema_names: dict[Target, str] = {}
        self.schemas: dict[str, Any] = {}
        self.pending_schemas: list[tuple[str, Target, Origin]] = []
        self.inlined: dict[Target, Any] = {}
        self.in_progress: list[Target] = []

    # -- targets -------------------------------------------------------------------------
    def target_of(self, ref: object, where: Origin) -> Target | None:
        if not isinstance(ref, str):
            self.problems.error("$ref must be a string", where, "write `$ref: '#/components/schemas/Name'`")
            return None
        file_part, _, fragment = ref.partition("#")
        if is_remote(where.file) and file_part:
            # Inside a fetched document, a relative reference is relative to its URL.
            file_part = urljoin(remote_url(where.file), file_part)
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", file_part):
            if not self.allow_remote:
                hint = "pass --allow-remote-refs to fetch it, or copy it beside the spec and refer to it there"
                self.problems.error(f"remote $ref {ref!r} is not fetched", where, hint)
                return None
            path = remote_path(file_part)
        elif file_part:
            path = (where.file.parent / unquote(file_part)).resolve()
            if not path.is_relative_to(self.root_dir):
                self.problems.error(
                    f"$ref {ref!r} leaves the spec's folder {self.root_dir}",
                    where,
                    "keep every referenced file inside the folder of the root spec",
                )
                return None
        else:
            path = where.file
        pointer = unquote(fragment)
        if pointer and not pointer.startswith("/"):
            self.problems.error(
                f"$ref {ref!r}: the part after '#' must be a JSON pointer",
                where,
                "start it with a slash: `$ref: 'schemas.yaml#/Name'`",
            )
            return None
        return path, pointer

    def fetch(self, target: Target, where: Origin) -> tuple[bool, Any]:
        path, pointer = target
        try:
            value = self.sources.load(path, where)
        except SpecError as exc:
            self.problems.diagnostics.extend(exc.diagnostics)
            return False, None
        for segment in (unescape_pointer(s) for s in pointer.split("/")[1:]) if pointer else ():
            if isinstance(value, dict) and segment in value:
                value = value[segment]
            elif isinstance(value, list) and segment.isdigit() and int(segment) < len(value):
                value = value[int(segment)]
            else:
                display = f"{path.name}#{pointer}" if path != self.root else f"#{pointer}"
                self.problems.error(
                    f"$ref target {display} does not exist", where, "check the spelling of the reference"
                )
                return False, None
        return True, value

    # -- schemas -------------------------------------------------------------------------
    def register_components(self, document: dict[str, Any]) -> None:
        schemas = (document.get("components") or {}).get("schemas") or {}
        if not isinstance(schemas, dict):
            return
        base = Origin(self.root, "/components/schemas")
        for name, value in schemas.items():
            where = base.child(name)
            self.schema_names.setdefault((self.root, where.pointer), name)
            if isinstance(value, dict) and set(value) == {"$ref"}:
                target = self.target_of(value["$ref"], where)
                if target is not None and target[0] != self.root:
                    self.schema_names.setdefault(target, name)

    def schema_ref(self, ref: object, siblings: dict[str, Any], where: Origin) -> dict[str, Any]:
        target = self.target_of(ref, where)
        result: dict[str, Any] = {}
        if target is not None:
            name = self.schema_names.get(target)
            if name is None:
                name = self._new_schema_name(target)
                self.schema_names[target] = name
                self.pending_schemas.append((name, target, where))
            result["$ref"] = SCHEMA_PREFIX + escape_pointer(name)
        for key, value in siblings.items():
            result[key] = self.walk(value, where.child(key), key in _LITERAL, schema=False)
        self.origins[id(result)] = where
        return result

    def _new_schema_name(self, target: Target) -> str:
        path, pointer = target
        last = unescape_pointer(pointer.rsplit("/", 1)[-1]) if pointer else path.stem
        name, n = last or path.stem, 2
        taken = set(self.schema_names.values())
        while name in taken:
            name, n = f"{last}{n}", n + 1
        return name

    def schema_body(self, name: str, target: Target, where: Origin) -> None:
        """Resolves the definition of component `name` found at `target`."""
        seen: set[Target] = set()
        while True:
            ok, value = self.fetch(target, where)
            if not ok:
                self.schemas[name] = {UNRESOLVED: True}
                return
            if isinstance(value, dict) and set(value) == {"$ref"} and target not in seen:
                seen.add(target)
                origin = Origin(target[0], target[1])
                next_target = self.target_of(value["$ref"], origin)
                if next_target is None:
                    self.schemas[name] = {UNRESOLVED: True}
                    return
                existing = self.schema_names.get(next_target)
                if existing is not None and existing != name:
                    self.schemas[name] = self.schema_ref(value["$ref"], {}, origin)
                    return
                target, where = next_target, origin
                continue
            self.schemas[name] = self.walk(value, Origin(target[0], target[1]), False, schema=True)
            return

    # -- the walk ------------------------------------------------------------------------
    def walk(self, value: Any, where: Origin, literal: bool, schema: bool) -> Any:
        if isinstance(value, dict):
            if literal:
                copied = {k: self.walk(v, where.child(k), True, False) for k, v in value.items()}
                self.origins[id(copied)] = where
                return copied
            if "$ref" in value:
                siblings = {k: v for k, v in value.items() if k != "$ref"}
                if schema:
                    return self.schema_ref(value["$ref"], siblings, where)
                return self.inline_ref(value["$ref"], siblings, where)
            result: dict[str, Any] = {}
            self.origins[id(result)] = where
            for key, child in value.items():
                key_text = str(key)
                child_where = where.child(key_text)
                if schema:
                    result[key_text] = self._walk_schema_key(key_text, child, child_where)
                else:
                    child_schema = key_text in ("schema", "itemSchema")
                    result[key_text] = self.walk(child, child_where, key_text in _LITERAL, child_schema)
            return result
        if isinstance(value, list):
            items = [self.walk(item, where.child(i), literal, schema) for i, item in enumerate(value)]
            self.origins[id(items)] = where
            return items
        return value

    def _walk_schema_key(self, key: str, child: Any, where: Origin) -> Any:
        if key in _SCHEMA_VALUE:
            return self.walk(child, where, False, schema=isinstance(child, dict))
        if key in _SCHEMA_MAP and isinstance(child, dict):
            mapped = {str(k): self.walk(v, where.child(str(k)), False, True) for k, v in child.items()}
            self.origins[id(mapped)] = where
            return mapped
        if key in _SCHEMA_LIST and isinstance(child, list):
            listed = [self.walk(v, where.child(i), False, True) for i, v in enumerate(child)]
            self.origins[id(listed)] = where
            return listed
        return self.walk(child, where, True, False)

    def inline_ref(self, ref: object, siblings: dict[str, Any], where: Origin) -> Any:
        target = self.target_of(ref, where)
        if target is None:
            return {UNRESOLVED: True}
        if target in self.in_progress:
            cycle = " -> ".join(f"{p.name}#{q}" for p, q in [*self.in_progress, target])
            self.problems.error(
                f"$ref cycle: {cycle}",
                where,
                "only schemas may refer to themselves; break the cycle of non-schema objects",
            )
            return {UNRESOLVED: True}
        if target not in self.inlined:
            ok, value = self.fetch(target, where)
            if not ok:
                return {UNRESOLVED: True}
            self.in_progress.append(target)
            try:
                self.inlined[target] = self.walk(value, Origin(*target), False, schema=False)
            finally:
                self.in_progress.pop()
        resolved = self.inlined[target]
        if siblings and isinstance(resolved, dict):
            merged = {
                **resolved,
                **{k: self.walk(v, where.child(k), k in _LITERAL, False) for k, v in siblings.items()},
            }
            self.origins[id(merged)] = self.origins.get(id(resolved), where)
            return merged
        return resolved


def resolve(root: Path, sources: SourceFiles, *, allow_remote: bool = False) -> ResolvedSpec:
    """Loads `root` and every file it references; raises SpecError listing every broken reference."""
    root = root.resolve()
    document = sources.load(root)
    if not isinstance(document, dict):
        kind = "empty" if document is None else type(document).__name__
        raise SpecError([_top_level_problem(root, kind)])
    resolver = _Resolver(root, sources, allow_remote)
    resolver.register_components(document)
    top = Origin(root)
    result: dict[str, Any] = {}
    resolver.origins[id(result)] = top
    for key, value in document.items():
        key_text = str(key)
        if key_text == "components" and isinstance(value, dict):
            continue
        result[key_text] = resolver.walk(value, top.child(key_text), key_text.startswith("x-"), False)
    components = document.get("components")
    if isinstance(components, dict):
        resolved_components: dict[str, Any] = {}
        resolver.origins[id(resolved_components)] = top.child("components")
        for key, value in components.items():
            if key == "schemas":
                continue
            resolved_components[str(key)] = resolver.walk(value, top.child("components", str(key)), False, False)
        schemas = components.get("schemas")
        if isinstance(schemas, dict):
            for name in schemas:
                where = top.child("components", "schemas", name)
                resolver.schema_body(name, (root, where.pointer), where)
        result["components"] = resolved_components
    # Hoisted schemas may reference further schemas that need hoisting in turn.
    while resolver.pending_schemas:
        name, target, where = resolver.pending_schemas.pop(0)
        resolver.schema_body(name, target, where)
    if resolver.schemas:
        result.setdefault("components", {})["schemas"] = resolver.schemas
        resolver.origins[id(resolver.schemas)] = top.child("components", "schemas")
    return ResolvedSpec(result, root, sources, resolver.origins, resolver.problems.diagnostics)


def _top_level_problem(root: Path, kind: str) -> Diagnostic:
    if kind == "empty":
        return Diagnostic("the spec is empty", Origin(root), "start from an `openapi: 3.1.0` document", 1, 1)
    return Diagnostic(
        f"the spec must be a mapping, not a {kind}", Origin(root), "start from an `openapi: 3.1.0` document", 1, 1
    )
