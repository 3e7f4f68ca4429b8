"""What makes a streaming success body (`text/event-stream`, JSON Lines, JSON text sequences): its format,
the schema of one event's data (OpenAPI 3.2's `itemSchema`, else the media type's `schema`), and the
terminator and error event declared by `x-stream`, checked where written; and the `StreamChoice` of an
operation whose 2xx offers a plain body beside the stream."""

from __future__ import annotations

from typing import Any, Literal

from ..errors import Origin, unescape_pointer
from ..extensions import extension
from ..ir import Parameter, RequestBody, StreamChoice
from ..resolver import SCHEMA_PREFIX
from .context import LowerContext
from .field_paths import json_types

StreamFormat = Literal["sse", "jsonl", "json-seq"]
STREAM_FORMATS: dict[str, StreamFormat] = {
    "text/event-stream": "sse",
    "application/jsonl": "jsonl",
    "application/x-ndjson": "jsonl",
    "application/json-seq": "json-seq",
}
X_STREAM_KEYS = tuple(key.name for key in extension("x-stream").keys)
# The fields of one server-sent event: an `itemSchema` made of them describes the event, not its data.
_EVENT_FIELDS = frozenset({"data", "event", "id", "retry"})
# The data that ends a server-sent event stream when `x-stream` names no terminator.
DEFAULT_TERMINATOR = "[DONE]"
_X_STREAM_HINT = 'write e.g. `x-stream: {terminator: "[DONE]", error-event: error}`'


def stream_format(media_type: str) -> StreamFormat | None:
    return STREAM_FORMATS.get(media_type.split(";")[0].strip().lower())


def text_items(schema: Any, fmt: StreamFormat) -> bool:
    """Whether each event's data is plain text (`str`), not JSON: server-sent events with no schema, or
    a `type: string` one (a JSON Lines string is a JSON string, quoted)."""
    if fmt != "sse":
        return False
    return schema is None or (
        isinstance(schema, dict) and schema.get("type") == "string" and "contentSchema" not in schema
    )


def item_schema(ctx: LowerContext, media: dict[str, Any], fmt: StreamFormat) -> Any:
    """The schema of one event's data (None for none). An SSE `itemSchema` describing the whole event (`data`,
    `event`, `id`, `retry`) gives its `data`: the `contentSchema` of data sent as JSON text, else
    the data's own schema."""
    if "itemSchema" not in media:
        return media.get("schema")
    item = media["itemSchema"]
    shape = _component(ctx, item)
    properties = shape.get("properties") if isinstance(shape, dict) else None
    if fmt != "sse" or not isinstance(properties, dict) or "data" not in properties:
        return item
    if set(properties) - _EVENT_FIELDS:
        return item
    data = properties["data"]
    content = _component(ctx, data).get("contentSchema") if isinstance(_component(ctx, data), dict) else None
    return content if content is not None else data


def _component(ctx: LowerContext, schema: Any) -> Any:
    """The schema a `$ref` to a component stands for (else the schema itself)."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        name = unescape_pointer(schema["$ref"].removeprefix(SCHEMA_PREFIX))
        components = (ctx.doc.get("components") or {}).get("schemas") or {}
        return components.get(name, schema)
    return schema


def stream_options(
    ctx: LowerContext,
    operation: dict[str, Any],
    where: Origin,
    media: dict[str, Any],
    media_where: Origin,
    fmt: StreamFormat,
) -> tuple[str | None, str | None]:
    """`terminator` and `error-event` of `x-stream`, on the operation or (winning) its media type; a
    server-sent event stream ends at `[DONE]` unless `terminator` says otherwise (`null`: nothing ends it)."""
    found: dict[str, tuple[str | None, Origin]] = {}
    for declared, x_where in (
        (operation.get("x-stream"), where.child("x-stream")),
        (media.get("x-stream"), media_where.child("x-stream")),
    ):
        if declared is None:
            continue
        x_where = ctx.origin(declared, x_where)
        if not isinstance(declared, dict):
            ctx.problems.error(f"`x-stream` must be a mapping, not {declared!r:.60}", x_where, _X_STREAM_HINT)
            continue
        for key, value in declared.items():
            if key not in X_STREAM_KEYS:
                ctx.problems.error(
                    f"unknown `x-stream` key {key!r}",
                    x_where.child(str(key)),
                    "x-stream takes terminator and error-event",
                )
            elif key == "terminator" and value is None:
                found[key] = (None, x_where.child(key))  # `terminator: null`: no terminator at all
            elif not isinstance(value, str) or not value.strip():
                ctx.problems.error(
                    f"`x-stream` {key} must be a non-empty string, not {value!r:.60}",
                    x_where.child(key),
                    _X_STREAM_HINT,
                )
            else:
                found[key] = (value, x_where.child(key))
    if "error-event" in found and fmt != "sse":
        ctx.problems.error(
            "`error-event` names a server-sent event, and this stream is not `text/event-stream`",
            found["error-event"][1],
            "remove it, or declare it on a text/event-stream response",
        )
        del found["error-event"]
    terminator, error_event = found.get("terminator"), found.get("error-event")
    # Server-sent events end at `data: [DONE]` unless told otherwise (OpenAI-compatible APIs do).
    default = DEFAULT_TERMINATOR if fmt == "sse" else None
    return (terminator[0] if terminator else default), (error_event[0] if error_event else None)


def misplaced_x_stream(ctx: LowerContext, operation: dict[str, Any], where: Origin, media: list[Origin]) -> None:
    """`x-stream` on an operation with no streaming 2xx body, or on a media type that is not a stream."""
    if "x-stream" in operation:
        ctx.problems.error(
            "`x-stream` on an operation with no streaming 2xx response",
            ctx.origin(operation["x-stream"], where.child("x-stream")),
            "declare a text/event-stream, application/jsonl, application/x-ndjson or application/json-seq response",
        )
    for media_where in media:
        ctx.problems.error(
            "`x-stream` on a media type that is not a stream",
            media_where.child("x-stream"),
            "move it to the text/event-stream (or JSON Lines / JSON sequence) media type",
        )


def stream_choice(
    ctx: LowerContext,
    parameters: tuple[Parameter, ...],
    body: RequestBody | None,
) -> StreamChoice:
    """The keyword choosing the stream (`stream`, unless a parameter has that name), and the JSON
    body's boolean `stream` property it is also sent as, when the body has one: found wherever the
    body's schema is composed (`$ref`, `allOf`, nested `allOf`), its fields being the flattened ones."""
    carried = "stream" if body is not None and body.kind == "json" and _has_bool_stream(ctx, body) else None
    fields = {f.py_name for f in body.fields if f.wire_name != carried} if body is not None else set()
    taken = {p.py_name for p in parameters} | ({body.py_name} if body else set()) | fields
    keyword = "stream"
    while keyword in taken:
        keyword += "_"
    return StreamChoice(keyword=keyword, body_property=carried)


def _has_bool_stream(ctx: LowerContext, body: RequestBody) -> bool:
    """Whether the body has a `stream` field that is a boolean (maybe nullable)."""
    found = next((f for f in body.fields if f.wire_name == "stream"), None)
    return found is not None and json_types(ctx.schemas, found.schema) == {"boolean"}
