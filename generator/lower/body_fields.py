"""The properties of an object request body -> its `BodyField`s, one keyword argument each, named by
the clash rule below; and the spec's `encoding` of a form or multipart body -> `PartEncoding`s.

The clash rule: a property's keyword is its snake case name, with a trailing `_` on a Python keyword
or one of the method's own names (`self`, `timeout`, `extra_headers`, `extra_query`, `extra_body`);
builtin names stay (`id=`, `type=`, as the official SDKs call them: the method body uses none). When
a parameter of the operation (or an earlier property) has that name already, the property's gets
the prefix `body_` (`project_id` in the query and in the body: `project_id=` and
`body_project_id=`), then a number. Wire names never change: the JSON keys are the spec's."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from typing import Any

from ..errors import Origin
from ..ir import BodyField, PartEncoding
from ..naming import snake
from .body_examples import example_value
from .context import LowerContext
from .param_types import is_file_field

_METHOD_NAMES = frozenset({"self", "extra_headers", "extra_query", "extra_body", "timeout"})
_TEXT_VALUES = (str, int, float, bool)
_ENCODING_HINTS = {
    "contentType": ("string", "name a media type, e.g. `contentType: application/pdf`"),
    "style": ("string", "use form, spaceDelimited, pipeDelimited or deepObject"),
    "explode": ("boolean", "use true or false"),
}
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an HTTP header name (RFC 9110)


def body_fields(
    ctx: LowerContext, properties: Iterable[tuple[str, Any, bool]], *, kind: str, required: bool, taken: Iterable[str]
) -> tuple[BodyField, ...]:
    """One field per property, in spec order. In an optional body every field is optional: a caller
    who gives none sends no body."""
    used = set(taken)
    fields: list[BodyField] = []
    for wire, schema, needed in properties:
        annotation = ctx.params.annotation(schema, files=kind == "multipart")
        items = schema.get("items") if isinstance(schema, dict) else None
        fields.append(
            BodyField(
                wire_name=wire,
                py_name=_field_name(wire, used),
                required=needed and required,
                annotation=annotation,
                description=str(schema.get("description") or "").strip() if isinstance(schema, dict) else "",
                deprecated=isinstance(schema, dict) and schema.get("deprecated") is True,
                file=kind == "multipart" and is_file_field(schema),
                schema_type=ctx.types.json_type(schema),
                item_type=ctx.types.json_type(items) if isinstance(items, dict) else "",
                enum_values=ctx.types.enum_values(schema),
                example=example_value(schema, ctx.schemas, label=wire, files=kind == "multipart"),
                schema=schema,
            )
        )
    return tuple(fields)


def _field_name(wire: str, used: set[str]) -> str:
    name = snake(wire) or "field"
    name = "n" + name if name[0].isdigit() else name
    # Not `safe_identifier`: soft keywords (`match`, and `type` since 3.12) are fine names, and the
    # same spec must give the same names on every Python.
    name += "_" if keyword.iskeyword(name) or name in _METHOD_NAMES else ""
    if name in used:
        base = name = "body_" + (snake(wire) or "field")
        n = 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
    used.add(name)
    return name


def part_encodings(ctx: LowerContext, media: Any, where: Origin) -> tuple[PartEncoding, ...]:
    """The `encoding` of a form or multipart media type, property by property, in spec order."""
    encoding = media.get("encoding") if isinstance(media, dict) else None
    if encoding is None:
        return ()
    if not isinstance(encoding, dict):
        ctx.problems.error(
            "`encoding` must be a mapping of property names",
            ctx.origin(encoding, where),
            "e.g. `file: {contentType: image/png}`",
        )
        return ()
    found: list[PartEncoding] = []
    for name, raw in encoding.items():
        at = ctx.origin(raw, where.child(str(name)))
        if not isinstance(raw, dict):
            ctx.problems.error(f"the encoding of {name!r} must be a mapping", at, "e.g. `{contentType: image/png}`")
            continue
        content_type, style, explode = raw.get("contentType"), raw.get("style"), raw.get("explode")
        for key, value, wanted in (
            ("contentType", content_type, str),
            ("style", style, str),
            ("explode", explode, bool),
        ):
            if value is not None and not isinstance(value, wanted):
                kind, hint = _ENCODING_HINTS[key]
                ctx.problems.error(f"`{key}` must be a {kind}", at.child(key), hint)
        found.append(
            PartEncoding(
                wire_name=str(name),
                content_type=content_type if isinstance(content_type, str) else None,
                headers=_fixed_headers(raw.get("headers")),
                style=style if isinstance(style, str) else None,
                explode=explode if isinstance(explode, bool) else None,
            )
        )
    return tuple(found)


def _fixed_headers(headers: Any) -> tuple[tuple[str, str], ...]:
    """Part headers whose value the spec fixes (a `const`, a one-value `enum`, a `default`); the
    others are the caller's to give (a file tuple's headers). `Content-Type` is `contentType`'s."""
    found: list[tuple[str, str]] = []
    for name, header in (headers if isinstance(headers, dict) else {}).items():
        schema = header.get("schema") if isinstance(header, dict) else None
        if not isinstance(schema, dict) or str(name).lower() == "content-type" or not _TOKEN.fullmatch(str(name)):
            continue
        enum = schema.get("enum")
        value = (
            schema["const"]
            if "const" in schema
            else enum[0]
            if isinstance(enum, list) and len(enum) == 1
            else schema.get("default")
        )
        if isinstance(value, _TEXT_VALUES):
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            if "\r" not in text and "\n" not in text:
                found.append((str(name), text))
    return tuple(found)
