"""Component schemas -> Python class names, and a rewriter that points every `$ref` at the class name.
Takes `components/schemas` as written; gives the names and the renamed schemas."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..errors import Collector, Origin, escape_pointer
from ..naming import (
    clean_schema_name,
    method_name_from_operation_id,
    readable_body_name,
    safe_class_name,
    schema_name_qualifiers,
)
from ..resolver import SCHEMA_PREFIX
from ..schema_keywords import SCHEMA_LIST, SCHEMA_MAP, SCHEMA_VALUE, is_data
from .enums import settled_enum
from .typemap import ref_name


def component_schemas(doc: dict[str, Any]) -> dict[str, Any]:
    """`components/schemas` as written, or nothing when it is missing or not a mapping."""
    components = doc.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    return schemas if isinstance(schemas, dict) else {}


def operation_method_names(doc: dict[str, Any]) -> dict[str, str]:
    """operationId -> the method name made of it (FastAPI's route suffix removed), for every operation."""
    found: dict[str, str] = {}
    paths = doc.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        for method, operation in item.items() if isinstance(item, dict) else ():
            operation_id = operation.get("operationId") if isinstance(operation, dict) else None
            if isinstance(operation_id, str):
                found.setdefault(operation_id, method_name_from_operation_id(operation_id, str(path), str(method)))
    return found


def class_names(
    raw: dict[str, Any], top: Origin, problems: Collector, method_names: dict[str, str] | None = None
) -> dict[str, str]:
    """Component name -> class name. Collisions get the nearest distinguishing qualifier. A body schema
    FastAPI names after its operation (`Body_upload_file_api_v1_files_post`) is named after that
    operation's method (`UploadFileBody`, then `UploadFileBody2` for another operation of that name),
    unless another schema wants that name."""
    names = list(raw)
    wanted = {name: safe_class_name(clean_schema_name(name)) for name in names}
    readable = {name: readable_body_name(name, method_names or {}) for name in names}
    plain = set(wanted.values())
    given: dict[str, int] = {}
    for name, better in readable.items():
        # Bodies of operations sharing a method name are numbered, in spec order: `UploadFileBody2`.
        if better is not None and safe_class_name(better) not in plain:
            given[better] = given.get(better, 0) + 1
            wanted[name] = safe_class_name(better + (str(given[better]) if given[better] > 1 else ""))
    for name, cls in wanted.items():
        if not cls:
            problems.error(
                f"schema name {name!r} has no letters or digits to make a class name from",
                top.child("components", "schemas", name),
                "rename the schema",
            )
    result: dict[str, str] = {}
    taken: set[str] = set()
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(wanted[name] or "Schema", []).append(name)
    for cls, members in groups.items():
        if len(members) == 1:
            result[members[0]] = cls
            taken.add(cls)
    for cls, members in groups.items():
        if len(members) == 1:
            continue
        for name in members:
            candidate = cls
            for qualifier in schema_name_qualifiers(name):
                candidate = qualifier + candidate if not candidate.startswith(qualifier) else candidate
                if candidate not in taken and candidate != cls:
                    break
            n = 2
            base = candidate
            while candidate in taken:
                candidate, n = f"{base}{n}", n + 1
            result[name] = candidate
            taken.add(candidate)
    return result


def ref_renamer(names: dict[str, str]) -> Callable[[Any], Any]:
    """A function giving a copy of a schema with every reference to a component (a discriminator's
    mapping too) rewritten to its class name (`names`: component name -> class name), and its enums
    settled (see `enums.py`). Data
    inside the schema (examples, defaults, enum values, extensions) is kept as it is, never rewritten."""

    def rewrite(value: Any) -> Any:
        if not isinstance(value, dict):
            return copy.deepcopy(value)
        out: dict[str, Any] = {}
        for key, child in value.items():
            if is_data(key):
                out[key] = child
            elif key in SCHEMA_VALUE:
                out[key] = [rewrite(v) for v in child] if isinstance(child, list) else rewrite(child)
            elif key in SCHEMA_MAP and isinstance(child, dict):
                out[key] = {k: rewrite(v) for k, v in child.items()}
            elif key in SCHEMA_LIST and isinstance(child, list):
                out[key] = [rewrite(v) for v in child]
            else:
                out[key] = copy.deepcopy(child)
        name = ref_name(value)
        if name is not None and name in names:
            out["$ref"] = SCHEMA_PREFIX + escape_pointer(names[name])
        discriminator = out.get("discriminator")
        if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
            # A mapping names its members by reference (or by bare name) too.
            out["discriminator"] = {
                **discriminator,
                "mapping": {k: target(v) for k, v in discriminator["mapping"].items()},
            }
        return settled_enum(out)

    def target(ref: Any) -> Any:
        name = ref_name({"$ref": ref}) if isinstance(ref, str) else None
        if name is None and isinstance(ref, str) and ref in names:
            name = ref
        return SCHEMA_PREFIX + escape_pointer(names[name]) if name is not None and name in names else ref

    return rewrite
