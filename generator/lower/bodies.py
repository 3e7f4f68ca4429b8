"""An operation's `requestBody` -> the `RequestBody` its method takes: the media type sent, its kind
(json, form, multipart, binary), and either one keyword argument per property of an object body or
the whole body as `body=` (an array, a primitive, a union), typed to take models and plain data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from ..errors import Origin
from ..ir import PartEncoding, RequestBody
from ..naming import pascal
from ..resolver import UNRESOLVED
from .body_examples import example_value
from .body_fields import body_fields, part_encodings
from .content import media_types
from .context import LowerContext
from .param_types import file_media_type, sent_properties
from .typemap import ref_name, union

BodyKind = Literal["json", "multipart", "form", "binary"]
# Several media types carry the same payload: JSON is preferred, then the forms, then the first.
_BODY_PREFERENCE = {"json": 0, "form": 1, "multipart": 2}


def request_body(
    ctx: LowerContext, operation: dict[str, Any], where: Origin, method_name: str, taken: Iterable[str] = ()
) -> RequestBody | None:
    """The body of the operation at `where`; `taken` are its parameters' keywords, which its fields
    must not reuse."""
    body = operation.get("requestBody")
    if not isinstance(body, dict) or UNRESOLVED in body:  # a broken `$ref`, reported already
        return None
    content = body.get("content")
    body_where = ctx.origin(body, where.child("requestBody"))
    if isinstance(content, dict):
        content = media_types(ctx, content, body_where.child("content"))
    if not isinstance(content, dict) or not content:
        ctx.problems.error(
            "a request body needs `content`", body_where, "add `content: {application/json: {schema: {type: object}}}`"
        )
        return None
    media_type = min(content, key=lambda m: _BODY_PREFERENCE.get(body_kind(str(m)), 9))
    media = content[media_type]
    media_where = where.child("requestBody", "content", media_type)
    schema = media.get("schema") if isinstance(media, dict) else None
    schema = ctx.local_schema(schema, pascal(method_name) + "Body", media_where.child("schema"))
    kind = body_kind(media_type)
    required = body.get("required") is True
    description = str(body.get("description") or "")
    model = ref_name(schema) if isinstance(schema, dict) else None
    encoding = part_encodings(ctx, media, media_where.child("encoding")) if kind in ("form", "multipart") else ()
    properties = sent_properties(schema, ctx.schemas) if kind != "binary" else []
    if properties:
        fields = body_fields(ctx, properties, kind=kind, required=required, taken=taken)
        encoding += _file_media_types(properties, encoding) if kind == "multipart" else ()
        return RequestBody(media_type, kind, required, "body", "", description, fields, model, encoding, expanded=True)
    files = kind == "multipart"
    annotation = "bytes" if kind == "binary" else ctx.params.annotation(schema, files=files)
    if kind in ("multipart", "form"):
        # A mapping takes what the schema cannot say: file tuples, parts of a free-form body.
        annotation = union([annotation, "Mapping[str, Any]"])
    example = 'b""' if kind == "binary" else example_value(schema, ctx.schemas, label="body", files=files)
    return RequestBody(
        media_type=media_type,
        kind=kind,
        required=required,
        py_name="body",
        annotation=annotation,
        description=description,
        model=model,
        encoding=encoding,
        example=example,
        schema=schema,
    )


def _file_media_types(
    properties: list[tuple[str, Any, bool]], given: tuple[PartEncoding, ...]
) -> tuple[PartEncoding, ...]:
    """A file's `contentMediaType` as the content type of its part, where `encoding` names none."""
    named = {e.wire_name for e in given}
    found = ((wire, file_media_type(schema)) for wire, schema, _ in properties if wire not in named)
    return tuple(PartEncoding(wire, content_type=media) for wire, media in found if media is not None)


def body_kind(media_type: str) -> BodyKind:
    if "json" in media_type:
        return "json"
    if media_type.startswith("multipart/"):
        return "multipart"
    if media_type == "application/x-www-form-urlencoded":
        return "form"
    return "binary"
