"""IR schemas, parameters and operations -> the reference pages' Markdown: type texts, fields with
their nested fields and enum values, what an operation takes and what it returns."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from ..errors import escape_pointer
from ..ir import BodyField, Operation, Parameter
from ..lower.typemap import MODELS, ref_name
from ..resolver import SCHEMA_PREFIX
from .text import code, indented

_SHOWN = 3  # names an object summary or an enum lists before "N more", as the reference pages do
_DOC_TYPES = {"integer": "number"}  # the reference pages' JSON vocabulary


def _enum_text(values: Sequence[Any]) -> str:
    shown = [json.dumps(v, ensure_ascii=False) for v in values[:_SHOWN]]
    return " or ".join(shown + ([f"{len(values) - _SHOWN} more"] if len(values) > _SHOWN else []))


def _variants(schema: dict[str, Any]) -> list[Any]:
    """The non-null branches of an anyOf/oneOf."""
    found = schema.get("anyOf") or schema.get("oneOf") or []
    return (
        [v for v in found if not (isinstance(v, dict) and v.get("type") == "null")] if isinstance(found, list) else []
    )


def _resolve(schema: Any, schemas: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The schema behind `$ref`s, lone `allOf`s and `[X, null]` unions, and the model it is, if any."""
    name = None
    for _ in range(50):
        if not isinstance(schema, dict):
            break
        ref, variants, all_of = ref_name(schema), _variants(schema), schema.get("allOf")
        if ref is not None and ref in schemas:
            name, schema = ref, schemas[ref]
        elif isinstance(all_of, list) and len(all_of) == 1:
            schema = all_of[0]
        elif len(variants) == 1:
            schema = variants[0]
        else:
            return schema, name
    return {}, name


def _kind(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    kinds = [k for k in kind if k != "null"] if isinstance(kind, list) else [kind]
    return str(kinds[0]) if kinds and kinds[0] else ("object" if "properties" in schema else "")


def doc_type(schema: Any, schemas: dict[str, Any], seen: frozenset[str] = frozenset()) -> str:
    """The reference pages' type text: `string`, `"a" or "b"`, `object { id, 14 more }`, `array of ...`.
    A model met again inside itself (`A: array of A`) is named, not expanded."""
    schema, name = _resolve(schema, schemas)
    if name is not None:
        if name in seen:
            return name
        seen |= {name}
    if _variants(schema):
        return " or ".join(doc_type(v, schemas, seen) for v in _variants(schema))
    if _values(schema) is not None:
        return _enum_text(_values(schema) or [])
    names = [name for name, _, _ in _fields(schema, schemas)]
    kind = _kind(schema) or ("object" if names else "")
    if kind == "array":
        return "array of " + doc_type(schema.get("items"), schemas, seen)
    if kind == "object" and names:
        more = [f"{len(names) - _SHOWN} more"] if len(names) > _SHOWN else []
        return "object { " + ", ".join(names[:_SHOWN] + more) + " }"
    return _DOC_TYPES.get(kind, kind or "unknown")


def _doc_shape(schema: Any, schemas: dict[str, Any]) -> tuple[str | None, list[Any], list[tuple[str, Any, bool]]]:
    """(model name, enum values, fields) of a value; an array shows its items'."""
    seen: set[str] = set()
    schema, name = _resolve(schema, schemas)
    while _kind(schema) == "array" and name not in seen:  # `A: array of A` ends
        seen.add(name or "")
        schema, name = _resolve(schema.get("items"), schemas)
    values = _values(schema)
    if values is not None:
        return name, values, []
    return name, [], _fields(schema, schemas)


def _values(schema: dict[str, Any]) -> list[Any] | None:
    """The values a schema allows when it lists them: its `enum`, or its `const` (a one-value enum
    the normalizer made a constant); None when it does not."""
    if isinstance(schema.get("enum"), list):
        return [v for v in schema["enum"] if v is not None]
    return [schema["const"]] if "const" in schema and schema["const"] is not None else None


def _fields(
    schema: dict[str, Any], schemas: dict[str, Any], trail: frozenset[str] = frozenset()
) -> list[tuple[str, Any, bool]]:
    """(name, schema, required) of each property of an object, those of its `allOf` parts (and the
    models they refer to) first, in spec order; a part's property given again is the nearer one."""
    found: dict[str, tuple[Any, bool]] = {}
    required = set(schema.get("required") or [])
    for part in schema.get("allOf") or []:
        part_schema, name = _resolve(part, schemas)
        if name not in trail:
            for key, value, needed in _fields(part_schema, schemas, trail | {name} if name else trail):
                found.pop(key, None)
                found[key] = (value, needed)
    for key, value in (schema.get("properties") or {}).items():
        _, needed = found.pop(str(key), (None, False))
        found[str(key)] = (value, needed)
    return [(key, value, needed or key in required) for key, (value, needed) in found.items()]


def _doc_description(schema: Any, schemas: dict[str, Any]) -> str:
    own = schema.get("description") if isinstance(schema, dict) else None
    return str(own or _resolve(schema, schemas)[0].get("description") or "").strip()


def _doc_bullets(field: tuple[str, Any, bool], schemas: dict[str, Any], depth: int, seen: frozenset[str]) -> list[str]:
    """One field as the reference pages show it, then its enum values and nested fields."""
    name, schema, required = field
    pad = "  " * depth
    head = (f"{name}: " if name else "") + ("" if required else "optional ") + doc_type(schema, schemas)
    blocks = [f"{pad}- {code(head)}"]
    description = _doc_description(schema, schemas)
    if description:
        blocks.append(indented(description, pad + "  "))
    model, values, fields = _doc_shape(schema, schemas)
    blocks += [f"{pad}  - {code(json.dumps(v, ensure_ascii=False))}" for v in values]
    if model not in seen:  # a model met again inside itself is named, not expanded
        inner = seen | {model} if model else seen
        blocks += [b for child in fields for b in _doc_bullets(child, schemas, depth + 1, inner)]
    return blocks


def doc_fields(schema: Any, schemas: dict[str, Any]) -> str:
    """Every field of an object (or of an array's items), nested fields and enum values included."""
    model, _, fields = _doc_shape(schema, schemas)
    seen = frozenset({model} if model else ())
    return "\n\n".join(b for f in fields for b in _doc_bullets(f, schemas, 0, seen))


def _model_ref(name: str) -> dict[str, str]:
    return {"$ref": SCHEMA_PREFIX + escape_pointer(name)}


def doc_returns(op: Operation, schemas: dict[str, Any]) -> str:
    response = op.response
    stream = _doc_stream(op, schemas)
    if response.kind == "stream":
        return stream
    if response.kind == "none":
        whole = "Nothing: the response has no body."
    elif response.kind != "json":
        kind = "string" if response.kind == "text" else "binary"
        whole = f"- {code(kind)}\n\n  The {code(response.media_type)} body."
        if response.kind == "binary":
            whole += " Read whole by default; `with_streaming_response` reads it as it arrives (see the example)."
    else:
        whole = _doc_value(response.annotation, response.model, schemas)
    if op.stream_choice is None:
        return whole
    return f"{whole}\n\nWith `{op.stream_choice.keyword}=True`: {stream[:1].lower()}{stream[1:]}"


def _doc_value(annotation: str, model: str | None, schemas: dict[str, Any]) -> str:
    if model is not None:
        return doc_fields(_model_ref(model), schemas)
    # `builtins.list` is how a resource with a method `list` writes the type; the docs say `list`.
    annotation = annotation.replace("builtins.", "")
    listed = re.fullmatch(rf"list\[{MODELS}\.(\w+)\]", annotation)
    if listed and listed.group(1) in schemas:
        items = {"type": "array", "items": _model_ref(listed.group(1))}
        return "\n\n".join(_doc_bullets(("", items, True), schemas, 0, frozenset()))
    return f"- {code(annotation.replace(MODELS + '.', ''))}"


_STREAM_NAMES = {"sse": "server-sent events", "jsonl": "JSON Lines", "json-seq": "a JSON text sequence"}


def _doc_stream(op: Operation, schemas: dict[str, Any]) -> str:
    """What a stream gives: its format, what ends it, and the fields of one event's data."""
    stream = op.response.stream
    if stream is None:
        return ""
    head = f"A stream of {_STREAM_NAMES[stream.format]} ({code(stream.media_type)}), read as it arrives."
    if stream.terminator is not None:
        head += f" It ends at the event whose data is {code(stream.terminator)}."
    if stream.error_event is not None:
        head += f" An {code(stream.error_event)} event raises `StreamEventError`."
    return f"{head} Each event's data:\n\n{_doc_value(stream.item_annotation, stream.item_model, schemas)}"


def doc_body(op: Operation, schemas: dict[str, Any]) -> str:
    body = op.body
    if body is None:
        return ""
    if body.expanded:
        return "\n\n".join(b for f in body.fields for b in _doc_field(f, schemas))
    model = re.search(rf"{MODELS}\.(\w+)", body.annotation)
    if body.kind != "binary" and model and model.group(1) in schemas:
        return doc_fields(_model_ref(model.group(1)), schemas)
    kind = ("" if body.required else "optional ") + ("binary" if body.kind == "binary" else "object")
    about = f"\n\n{indented(body.description, '  ')}" if body.description.strip() else ""
    return f"- {code(f'{body.py_name}: {kind}')}{about}"


def doc_parameter(p: Parameter) -> str:
    kind = _enum_text(p.enum_values) if p.enum_values else _DOC_TYPES.get(p.schema_type, p.schema_type)
    blocks = [f"- {code(p.wire_name + ': ' + ('' if p.required else 'optional ') + kind)}"]
    if p.description.strip():
        blocks.append(indented(p.description, "  "))
    if p.deprecated:
        blocks.append("  Deprecated.")
    blocks += [f"  - {code(json.dumps(v, ensure_ascii=False))}" for v in p.enum_values]
    return "\n\n".join(blocks)


def _doc_field(f: BodyField, schemas: dict[str, Any]) -> list[str]:
    """A body field as the reference pages show a property, with its Python keyword when that differs
    from the wire name, and a file as a file."""
    blocks = _doc_bullets((f.wire_name, f.schema, f.required), schemas, 0, frozenset())
    if f.file:
        kind = "array of file" if f.schema_type == "array" else "file"
        blocks[0] = f"- {code(f'{f.wire_name}: ' + ('' if f.required else 'optional ') + kind)}"
    if f.py_name != f.wire_name:
        blocks[0] += f" (Python: {code(f.py_name + '=')})"
    if f.deprecated and "deprecated" not in f.description.lower():
        blocks.insert(1, "  Deprecated.")
    return blocks
