"""An operation's `requestBody` -> the `RequestBody` its method takes: the media type sent, its kind
(json, form, multipart, binary) and the annotation of the `body` argument."""

from __future__ import annotations

from typing import Any, Literal

from ..errors import Origin
from ..ir import RequestBody
from ..naming import pascal
from .content import media_types
from .context import LowerContext
from .typemap import ref_name, union

BodyKind = Literal["json", "multipart", "form", "binary"]
# Several media types carry the same payload: JSON is preferred, then the forms, then the first.
_BODY_PREFERENCE = {"json": 0, "form": 1, "multipart": 2}


def request_body(ctx: LowerContext, operation: dict[str, Any], where: Origin, method_name: str) -> RequestBody | None:
    body = operation.get("requestBody")
    if not isinstance(body, dict):
        return None
    content = body.get("content")
    body_where = ctx.origin(body, where.child("requestBody"))
    if isinstance(content, dict):
        content = media_types(ctx, content, body_where.child("content"))
    if not isinstance(content, dict) or not content:
        ctx.problems.error("a request body needs `content`", body_where)
        return None
    media_type = min(content, key=lambda m: _BODY_PREFERENCE.get(body_kind(str(m)), 9))
    media = content[media_type]
    schema = media.get("schema") if isinstance(media, dict) else None
    schema = ctx.local_schema(
        schema, pascal(method_name) + "Body", where.child("requestBody", "content", media_type, "schema")
    )
    kind = body_kind(media_type)
    annotation = "bytes" if kind == "binary" else ctx.types.annotation(schema, accept_literals=True)
    model = ref_name(schema) if isinstance(schema, dict) else None
    target = ctx.schemas.get(model) if model is not None else None
    if kind == "json" and isinstance(target, dict) and any(k in target for k in ("oneOf", "anyOf")):
        # A union model also takes one of its members as they are: `Shape` or `Circle`.
        annotation = union([annotation, ctx.types.annotation(target, accept_literals=True)])
    if kind in ("multipart", "form"):
        # A mapping lets callers pass file tuples (name, bytes, content type) the model cannot hold.
        annotation = union([annotation, "Mapping[str, Any]"])
    return RequestBody(
        media_type=media_type,
        kind=kind,
        required=body.get("required") is True,
        py_name="body",
        annotation=annotation,
        description=str(body.get("description") or ""),
    )


def body_kind(media_type: str) -> BodyKind:
    if "json" in media_type:
        return "json"
    if media_type.startswith("multipart/"):
        return "multipart"
    if media_type == "application/x-www-form-urlencoded":
        return "form"
    return "binary"
