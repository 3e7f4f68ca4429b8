"""Follows every `$ref` (local and relative files) into one self-contained document.

The document is walked by what stands where (openapi_objects.py): a response named `default` is a
response, an example's `value` is data. Schema references stay references, but all of them point
at `#/components/schemas/<name>`: schemas that live in other files, or anywhere else, are hoisted
there. Every other reference (responses, parameters, request bodies, headers, examples, links,
callbacks, path items, security schemes, media types) is replaced by what it points at, its
siblings winning. A `$ref` inside data (an example, a default, an enum, an `x-` extension) is data
and is never followed. A `$ref` where OpenAPI allows none but bundlers follow one (a whole
`properties` map, a `content` map) is followed too, with a warning. A `$ref` an overlay inserted is
read as written in the spec's root file, and a problem in it located in the overlay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Collector, Diagnostic, Origin, SpecError, escape_pointer, unescape_pointer
from .loader import SourceFiles
from .openapi_objects import ANY, DATA, OWN_REFERENCE, SCHEMA, Slot, Version, allows_reference, slot_of
from .ref_targets import Target, TargetFinder
from .schema_keywords import SCHEMA_LIST, SCHEMA_MAP, SCHEMA_VALUE, is_data

SCHEMA_PREFIX = "#/components/schemas/"
UNRESOLVED = "x-unresolved-ref"  # stands in for a reference that could not be followed (already reported)

# Keys whose value is a schema, in a place the tables of openapi_objects.py do not describe.
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
        self, root: Path, sources: SourceFiles, allow_remote: bool, inserted: dict[int, Origin], version: Version
    ) -> None:
        self.root = root
        self.sources = sources
        self.problems = Collector()
        self.targets = TargetFinder(root, sources, allow_remote, self.problems)
        self.inserted = inserted  # values an overlay put in the spec -> where the overlay writes them
        self.overlay_files = frozenset(origin.file for origin in inserted.values())
        self.version = version  # which places may hold a Reference Object depends on it
        self.origins: dict[int, Origin] = {}
        self.schema_names: dict[Target, str] = {}
        self.schemas: dict[str, Any] = {}
        self.pending_schemas: list[tuple[str, Target, Origin]] = []
        self.inlined: dict[tuple[Target, tuple[str, str]], Any] = {}
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
        target = self.targets.target_of(ref, where, self._base(where))
        result: dict[str, Any] = {}
        if target is not None:
            name = self.schema_names.get(target)
            if name is None:
                name = self._new_schema_name(target)
                self.schema_names[target] = name
                self.pending_schemas.append((name, target, where))
            result["$ref"] = SCHEMA_PREFIX + escape_pointer(name)
        for key, value in siblings.items():
            result[key] = self._walk_schema_key(key, value, where.child(key))
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
            self.schemas[name] = self.schema(value, Origin(target[0], target[1]))
            return

    # -- the walk ------------------------------------------------------------------------
    def walk(self, value: Any, where: Origin, kind: str, key: str = "", ref_ok: bool = False) -> Any:
        """`value`, an object of `kind` (openapi_objects.py), with its references followed. `key` is
        the name it stands under (a list's, for its items); `ref_ok` says whether OpenAPI allows a
        Reference Object there."""
        if isinstance(value, dict | list):
            where = self.inserted.get(id(value), where)
        if kind == DATA:
            return self.copy(value, where)
        if kind == SCHEMA:
            return self.schema(value, where)
        if not isinstance(value, dict):
            if isinstance(value, list):  # no object is a list: walked item by item as what it holds
                items = [self.walk(item, where.child(i), kind, key) for i, item in enumerate(value)]
                self.origins[id(items)] = where
                return items
            return value
        if "$ref" in value:
            siblings = {k: v for k, v in value.items() if k != "$ref"}
            if not (ref_ok or kind in OWN_REFERENCE):
                self._warn_reference(key, where)
            # What it points at may be a reference in turn (a component kept in another file).
            return self.follow(
                value["$ref"], siblings, where, (kind, "one"), lambda v, at: self.walk(v, at, kind, key, True)
            )
        result: dict[str, Any] = {}
        self.origins[id(result)] = where
        for child_key, child in value.items():
            key_text = str(child_key)
            slot = self._slot(kind, key_text)
            result[key_text] = self.slot(child, where.child(key_text), slot, key_text)
        return result

    def _slot(self, kind: str, key: str) -> Slot:
        if kind != ANY:
            return slot_of(kind, key)
        # A place the tables do not describe: data is data, a schema slot holds a schema.
        return Slot(DATA) if is_data(key) else Slot(SCHEMA) if key in _SCHEMA_SLOTS else Slot(ANY)

    def slot(self, value: Any, where: Origin, slot: Slot, key: str) -> Any:
        """`value` as what `slot` holds: one object, or a map or list of them."""
        ref_ok = allows_reference(slot, self.version)
        if slot.shape == "one" or slot.kind == DATA:
            return self.walk(value, where, slot.kind, key, ref_ok)
        if isinstance(value, dict | list):
            where = self.inserted.get(id(value), where)
        if slot.shape == "map" and isinstance(value, dict):
            if "$ref" in value:  # the whole map elsewhere: followed as bundlers do
                siblings = {k: v for k, v in value.items() if k != "$ref"}
                self._warn_reference(key, where)
                return self.follow(
                    value["$ref"], siblings, where, (slot.kind, "map"), lambda v, at: self.slot(v, at, slot, key)
                )
            entries: dict[str, Any] = {}
            self.origins[id(entries)] = where
            for name, entry in value.items():
                name_text = str(name)
                kind = slot.kind
                if name_text.startswith("x-") and kind != SCHEMA:
                    kind = DATA
                elif kind == "media type" and name_text in _SCHEMA_SLOTS:
                    kind = SCHEMA  # `schema:` slipped beside the media types: content.py reads it so
                entries[name_text] = self.walk(entry, where.child(name_text), kind, name_text, ref_ok)
            return entries
        if slot.shape == "list" and isinstance(value, list):
            items = [self.walk(item, where.child(i), slot.kind, key, ref_ok) for i, item in enumerate(value)]
            self.origins[id(items)] = where
            return items
        return self.walk(value, where, ANY, key)

    def copy(self, value: Any, where: Origin) -> Any:
        """Data as it is: a `$ref` inside is data too."""
        if isinstance(value, dict | list):
            where = self.inserted.get(id(value), where)
        if isinstance(value, dict):
            copied: Any = {str(k): self.copy(v, where.child(str(k))) for k, v in value.items()}
        elif isinstance(value, list):
            copied = [self.copy(v, where.child(i)) for i, v in enumerate(value)]
        else:
            return value
        self.origins[id(copied)] = where
        return copied

    def schema(self, value: Any, where: Origin) -> Any:
        """A schema with its references pointed at `#/components/schemas/`, hoisting what they point at."""
        if isinstance(value, list):  # `allOf` and the like, or draft 4's `items: [...]`
            where = self.inserted.get(id(value), where)
            listed = [self.schema(v, where.child(i)) for i, v in enumerate(value)]
            self.origins[id(listed)] = where
            return listed
        if not isinstance(value, dict):
            return value
        where = self.inserted.get(id(value), where)
        if "$ref" in value:
            return self.schema_ref(value["$ref"], {k: v for k, v in value.items() if k != "$ref"}, where)
        result: dict[str, Any] = {}
        self.origins[id(result)] = where
        for child_key, child in value.items():
            key_text = str(child_key)
            result[key_text] = self._walk_schema_key(key_text, child, where.child(key_text))
        return result

    def _warn_reference(self, key: str, where: Origin) -> None:
        what = f"`{key}`" if key and not key.isdigit() else "this value"
        self.problems.warning(
            f"{what} is given as a `$ref`, which OpenAPI does not allow here; followed as bundlers do",
            where.child("$ref"),
            "put the referenced content here, or refer to each entry inside it",
        )

    def _walk_schema_key(self, key: str, child: Any, where: Origin) -> Any:
        if key in SCHEMA_VALUE:
            return self.schema(child, where)
        if key in SCHEMA_MAP | SCHEMA_LIST and isinstance(child, dict) and isinstance(child.get("$ref"), str):
            return self.schemas_by_reference(key, child, where)
        if key in SCHEMA_MAP and isinstance(child, dict):
            where = self.inserted.get(id(child), where)
            mapped = {str(k): self.schema(v, where.child(str(k))) for k, v in child.items()}
            self.origins[id(mapped)] = where
            return mapped
        if key in SCHEMA_LIST and isinstance(child, list):
            return self.schema(child, where)
        return self.copy(child, where)

    def schemas_by_reference(self, key: str, child: dict[str, Any], where: Origin) -> Any:
        """`properties: {$ref: props.yaml}`: the whole map (or `allOf` list) of schemas is elsewhere."""
        self._warn_reference(key, where)
        empty: dict[str, Any] | list[Any] = {} if key in SCHEMA_MAP else []
        target = self.targets.target_of(child["$ref"], where, self._base(where))
        if target is None or target in self.in_progress:
            return empty
        ok, value = self.targets.fetch(target, where)
        if not ok:
            return empty
        origin = Origin(*target)
        self.in_progress.append(target)
        try:
            if key in SCHEMA_MAP and isinstance(value, dict):
                found: Any = {str(k): self.schema(v, origin.child(str(k))) for k, v in value.items()}
                for k, v in child.items():
                    if k != "$ref":
                        found[str(k)] = self.schema(v, where.child(str(k)))
            elif key in SCHEMA_LIST and isinstance(value, list):
                found = [self.schema(v, origin.child(i)) for i, v in enumerate(value)]
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

    def follow(
        self,
        ref: object,
        siblings: dict[str, Any],
        where: Origin,
        what: tuple[str, str],
        walk_target: Callable[[Any, Origin], Any],
    ) -> Any:
        """What the Reference Object at `where` points at, walked as `what` (a kind and a shape) by
        `walk_target`, once per target and kind; its siblings (a `summary`, a `description`) win."""
        target = self.targets.target_of(ref, where, self._base(where))
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
        if (target, what) not in self.inlined:
            ok, value = self.targets.fetch(target, where)
            if not ok:
                return {UNRESOLVED: True}
            self.in_progress.append(target)
            try:
                self.inlined[(target, what)] = walk_target(value, Origin(*target))
            finally:
                self.in_progress.pop()
        resolved = self.inlined[(target, what)]
        if siblings and isinstance(resolved, dict):
            walked = walk_target(siblings, where)
            merged = {**resolved, **(walked if isinstance(walked, dict) else {})}
            self.origins[id(merged)] = self.origins.get(id(resolved), where)
            return merged
        return resolved

    def _base(self, where: Origin) -> Path | None:
        """The document a `$ref` written at `where` is relative to: the spec's root file for a value an
        overlay inserted there (it is written for the spec, not for the overlay's folder)."""
        return self.root if where.file in self.overlay_files else None


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
    resolver = _Resolver(root, sources, allow_remote, inserted or {}, _version(document.get("openapi")))
    resolver.register_components(document)
    top = Origin(root)
    result: dict[str, Any] = {}
    resolver.origins[id(result)] = top
    for key, value in document.items():
        key_text = str(key)
        if key_text == "components" and isinstance(value, dict):
            continue
        result[key_text] = resolver.slot(value, top.child(key_text), slot_of("document", key_text), key_text)
    components = document.get("components")
    if isinstance(components, dict):
        resolved_components: dict[str, Any] = {}
        resolver.origins[id(resolved_components)] = top.child("components")
        for key, value in components.items():
            if key == "schemas":
                continue
            where = top.child("components", str(key))
            resolved_components[str(key)] = resolver.slot(value, where, slot_of("components", str(key)), str(key))
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


def _version(declared: object) -> Version:
    """The major and minor numbers of the document's `openapi` (3.1 when they cannot be read: the
    lowering reports a bad version)."""
    parts = str(declared).split(".")
    if len(parts) > 1 and parts[0].isdigit() and parts[1].isdigit():
        return int(parts[0]), int(parts[1])
    return 3, 1


def _top_level_problem(root: Path, kind: str) -> Diagnostic:
    if kind == "empty":
        return Diagnostic("the spec is empty", Origin(root), "start from an `openapi: 3.1.0` document", 1, 1)
    return Diagnostic(
        f"the spec must be a mapping, not a {kind}", Origin(root), "start from an `openapi: 3.1.0` document", 1, 1
    )
