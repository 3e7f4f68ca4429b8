"""A body value's schema -> a Python expression of the type `ParamTypes` gives it, for the docs' examples:
plain dicts with the required keys for objects, the first value of an enum, bytes for a file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .param_types import is_file, sent_properties
from .typemap import ref_name

_DATETIME = "datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)"
_DEPTH = 20  # nesting a required object can have before the example gives up on it


def example_value(schema: Any, schemas: Mapping[str, Any], *, label: str = "", files: bool = False) -> str:
    """A value of `schema` that type-checks as its annotation; `label` names a string field (its
    example text, when the spec gives none)."""
    return _example(schema, schemas, label, files, frozenset(), 0)


def _example(schema: Any, schemas: Mapping[str, Any], label: str, files: bool, seen: frozenset[str], depth: int) -> str:
    if not isinstance(schema, dict) or not schema or depth > _DEPTH:
        return "{}"
    name = ref_name(schema)
    if name is not None:
        target = schemas.get(name)
        if name in seen or not isinstance(target, dict):
            return "{}"
        return _example(target, schemas, label, files, seen | {name}, depth + 1)
    if files and is_file(schema):
        return 'b"file contents"'
    if "const" in schema:
        return repr(schema["const"])
    values = [v for v in schema.get("enum") or [] if v is not None]
    if values:
        return repr(values[0])
    for key in ("anyOf", "oneOf", "allOf"):
        variants = [v for v in schema.get(key) or [] if not (isinstance(v, dict) and v.get("type") == "null")]
        if variants and (key != "allOf" or len(variants) == 1):
            return _example(variants[0], schemas, label, files, seen, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    properties = sent_properties(schema, schemas) if kind in (None, "object") else []
    if properties or "allOf" in schema:
        pairs = [
            f"{key!r}: {_example(value, schemas, key, files=False, seen=seen, depth=depth + 1)}"
            for key, value, required in properties
            if required
        ]
        return "{" + ", ".join(pairs) + "}"
    return _scalar(schema, kind, label)


def _scalar(schema: dict[str, Any], kind: Any, label: str) -> str:
    given = schema.get("example")
    if kind == "string":
        text_format = schema.get("format")
        if text_format == "date-time":
            return _DATETIME
        if text_format == "date":
            return "datetime.date(2024, 1, 1)"
        if text_format == "binary":
            return 'b""'
        return repr(given) if isinstance(given, str) and text_format is None else repr(label or "string")
    if kind == "integer":
        return repr(given) if isinstance(given, int) and not isinstance(given, bool) else "0"
    if kind == "number":
        return repr(given) if isinstance(given, int | float) and not isinstance(given, bool) else "0.0"
    if kind == "boolean":
        return "True"
    if kind == "array":
        return "[]"
    if kind == "null":
        return "None"
    return "{}"
