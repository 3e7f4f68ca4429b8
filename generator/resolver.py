"""Follows every `$ref` (local and relative files) into one self-contained document.

Schema references stay references, but all of them point at `#/components/schemas/<name>`:
schemas that live in other files, or anywhere else, are hoisted there. Every other
reference (parameters, responses, path items, ...) is replaced by what it points at. A `$ref`
inside data (an example, a default, an enum, an `x-` extension) is data and is never followed. A
`$ref` where OpenAPI allows none but bundlers follow one (a whole `properties` map, a `content`
map) is followed too, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Collector, Diagnostic, Origin, SpecError, escape_pointer, unescape_pointer
from .loader import SourceFiles
from .ref_targets import Target, TargetFinder
from .schema_keywords import SCHEMA_LIST, SCHEMA_MAP, SCHEMA_VALUE, is_data

SCHEMA_PREFIX = "#/components/schemas/"
UNRESOLVED = "x-unresolved-ref"  # stands in for a reference that could not be followed (already reported)

# Maps whose values may be Reference Objects, and the single keys whose value may be one.
_REFERENCE_MAPS = frozenset(
    {"responses", "headers", "links", "callbacks", "parameters", "requestBodies", "securitySchemes"}
    | {"pathItems", "paths", "webhooks", "mediaTypes"}
)
_REFERENCE_KEYS = frozenset({"requestBody"})
# Keys of non-schema objects whose value is a schema (`itemSchema`: one item of a sequential media type).
_SCHEMA_SLOTS = frozenset({"schema", "itemSchema"})


@dataclass
class ResolvedSpec:
    document: dict[str, Any]
    root: Path
    sources: SourceFiles
    # id() of every mapping and list in `document` -> where it was written.
    origins: dict[int, Origin] = field(default_factory=dict)
    # Broken references, reported together with what the later stages find (and warnings).
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def origin(self, value: object, fallback: Origin | None = None) -> Origin:
        return self.origins.get(id(value)) or fallback or Origin(self.root)


class _Resolver:
    def __init__(
        self, root: Path, sources: SourceFiles, allow_remote: bool, inserted: dict[int, Origin], v32: bool
    ) -> None:
        self.root = root
        self.sources = sources
        self.problems = Collector()
        self.targets = TargetFinder(root, sources, allow_remote, self.problems)
        self.inserted = inserted  # values an overlay put in the spec -> where the overlay writes them
        self.v32 = v32  # OpenAPI 3.2: a media type in a `content` map may be a reference
        self.origins: dict[int, Origin] = {}
        self.schema_names: dict[Target, str] = {}
        self.schemas: dict[str, Any] = {}
        self.pending_schemas: list[tuple[str, Target, Origin]] = []
        self.inlined: dict[tuple[Target, str], Any] = {}
        self.in_progress: list[Target] = []

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
                target = self.targets.target_of(value["$ref"], where)
                if target is not None and target[0] != self.root:
                    self.schema_names.setdefault(target, name)

    def schema_ref(self, ref: object, siblings: dict[str, Any], where: Origin) -> dict[str, Any]:
        target = self.targets.target_of(ref, where)
        result: dict[str, Any] = {}
        if target is not None:
            name = self.schema_names.get(target)
            if name is None:
                name = self._new_schema_name(target)
                self.schema_names[target] = name
                self.pending_schemas.append((name, target, where))
            result["$ref"] = SCHEMA_PREFIX + escape_pointer(name)
        for key, value in siblings.items():
            result[key] = self.walk(value, where.child(key), is_data(key), schema=False, key=key)
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
            ok, value = self.targets.fetch(target, where)
            if not ok:
                self.schemas[name] = {UNRESOLVED: True}
                return
            if isinstance(value, dict) and set(value) == {"$ref"} and target not in seen:
                seen.add(target)
                origin = Origin(target[0], target[1])
                next_target = self.targets.target_of(value["$ref"], origin)
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
    def walk(self, value: Any, where: Origin, literal: bool, schema: bool, key: str = "", ref_ok: bool = True) -> Any:
        """`value` with its references followed. `key` is the name it stands under (a list's, for its
        items); `ref_ok` says whether OpenAPI allows a Reference Object there."""
        if isinstance(value, dict | list):
            where = self.inserted.get(id(value), where)
        if isinstance(value, dict):
            if literal:
                copied = {str(k): self.walk(v, where.child(str(k)), True, False) for k, v in value.items()}
                self.origins[id(copied)] = where
                return copied
            if "$ref" in value:
                siblings = {k: v for k, v in value.items() if k != "$ref"}
                if schema:
                    return self.schema_ref(value["$ref"], siblings, where)
                if not (ref_ok or "/callbacks/" in where.pointer):
                    self._warn_reference(key, where)
                return self.inline_ref(value["$ref"], siblings, where, key)
            result: dict[str, Any] = {}
            self.origins[id(result)] = where
            for child_key, child in value.items():
                key_text = str(child_key)
                child_where = where.child(key_text)
                if schema:
                    result[key_text] = self._walk_schema_key(key_text, child, child_where)
                else:
                    child_ref_ok = (
                        key_text in _REFERENCE_KEYS or key in _REFERENCE_MAPS or (self.v32 and key == "content")
                    )
                    result[key_text] = self.walk(
                        child, child_where, is_data(key_text), key_text in _SCHEMA_SLOTS, key_text, child_ref_ok
                    )
            return result
        if isinstance(value, list):
            items = [
                self.walk(item, where.child(i), literal, schema, key, key == "parameters")
                for i, item in enumerate(value)
            ]
            self.origins[id(items)] = where
            return items
        return value

    def _warn_reference(self, key: str, where: Origin) -> None:
        what = f"`{key}`" if key and not key.isdigit() else "this value"
        self.problems.warning(
            f"{what} is given as a `$ref`, which OpenAPI does not allow here; followed as bundlers do",
            where.child("$ref"),
            "put the referenced content here, or refer to each entry inside it",
        )

    def _walk_schema_key(self, key: str, child: Any, where: Origin) -> Any:
        if key in SCHEMA_VALUE:
            return self.walk(child, where, False, schema=isinstance(child, dict))
        if key in SCHEMA_MAP | SCHEMA_LIST and isinstance(child, dict) and isinstance(child.get("$ref"), str):
            return self.schemas_by_reference(key, child, where)
        if key in SCHEMA_MAP and isinstance(child, dict):
            mapped = {str(k): self.walk(v, where.child(str(k)), False, True) for k, v in child.items()}
            self.origins[id(mapped)] = self.inserted.get(id(child), where)
            return mapped
        if key in SCHEMA_LIST and isinstance(child, list):
            listed = [self.walk(v, where.child(i), False, True) for i, v in enumerate(child)]
            self.origins[id(listed)] = self.inserted.get(id(child), where)
            return listed
        return self.walk(child, where, True, False)

    def schemas_by_reference(self, key: str, child: dict[str, Any], where: Origin) -> Any:
        """`properties: {$ref: props.yaml}`: the whole map (or `allOf` list) of schemas is elsewhere."""
        self._warn_reference(key, where)
        empty: dict[str, Any] | list[Any] = {} if key in SCHEMA_MAP else []
        target = self.targets.target_of(child["$ref"], where)
        if target is None or target in self.in_progress:
            return empty
        ok, value = self.targets.fetch(target, where)
        if not ok:
            return empty
        origin = Origin(*target)
        self.in_progress.append(target)
        try:
            if key in SCHEMA_MAP and isinstance(value, dict):
                found: Any = {str(k): self.walk(v, origin.child(str(k)), False, True) for k, v in value.items()}
                for k, v in child.items():
                    if k != "$ref":
                        found[str(k)] = self.walk(v, where.child(str(k)), False, True)
            elif key in SCHEMA_LIST and isinstance(value, list):
                found = [self.walk(v, origin.child(i), False, True) for i, v in enumerate(value)]
            else:
                kind = "mapping of schemas" if key in SCHEMA_MAP else "list of schemas"
                self.problems.error(
                    f"the `$ref` of `{key}` must point at a {kind}",
                    where.child("$ref"),
                    "point it at the mapping or list itself, or write the schemas in place",
                )
                return empty
        finally:
            self.in_progress.pop()
        self.origins[id(found)] = origin
        return found

    def inline_ref(self, ref: object, siblings: dict[str, Any], where: Origin, key: str = "") -> Any:
        target = self.targets.target_of(ref, where)
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
        if (target, key) not in self.inlined:
            ok, value = self.targets.fetch(target, where)
            if not ok:
                return {UNRESOLVED: True}
            self.in_progress.append(target)
            try:
                self.inlined[(target, key)] = self.walk(value, Origin(*target), False, False, key)
            finally:
                self.in_progress.pop()
        resolved = self.inlined[(target, key)]
        if siblings and isinstance(resolved, dict):
            merged = {
                **resolved,
                **{k: self.walk(v, where.child(k), is_data(k), False, k) for k, v in siblings.items()},
            }
            self.origins[id(merged)] = self.origins.get(id(resolved), where)
            return merged
        return resolved


def resolve(
    root: Path, sources: SourceFiles, *, allow_remote: bool = False, inserted: dict[int, Origin] | None = None
) -> ResolvedSpec:
    """Loads `root` and every file it references; raises SpecError listing every broken reference.
    `inserted`: where an overlay writes each value it put in the document."""
    root = root.resolve()
    document = sources.load(root)
    if not isinstance(document, dict):
        kind = "empty" if document is None else type(document).__name__
        raise SpecError([_top_level_problem(root, kind)])
    v32 = str(document.get("openapi", "")).startswith("3.2")
    resolver = _Resolver(root, sources, allow_remote, inserted or {}, v32)
    resolver.register_components(document)
    top = Origin(root)
    result: dict[str, Any] = {}
    resolver.origins[id(result)] = top
    for key, value in document.items():
        key_text = str(key)
        if key_text == "components" and isinstance(value, dict):
            continue
        result[key_text] = resolver.walk(value, top.child(key_text), is_data(key_text), False, key_text, False)
    components = document.get("components")
    if isinstance(components, dict):
        resolved_components: dict[str, Any] = {}
        resolver.origins[id(resolved_components)] = top.child("components")
        for key, value in components.items():
            if key == "schemas":
                continue
            where = top.child("components", str(key))
            resolved_components[str(key)] = resolver.walk(value, where, is_data(str(key)), False, str(key), False)
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
