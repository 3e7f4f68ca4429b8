"""An operation's `responses` -> the `Response` its method returns (annotation and parser of the
success bodies, and the event stream a 2xx may answer) and the model class of each JSON error response."""

from __future__ import annotations

import re
from typing import Any

from ..errors import Origin
from ..ir import EventStream, Response
from ..naming import pascal
from .content import media_types
from .context import LowerContext
from .streams import item_schema, misplaced_x_stream, stream_format, stream_options, text_items
from .typemap import MODELS, ref_name, union

# A status code (`200`), a range (`2XX`) or `default`.
STATUS_KEY = re.compile(r"[1-5][0-9][0-9]|[1-5]XX|default", re.IGNORECASE)
# Media types of a sequence of items, each described by the media type's `itemSchema` (OpenAPI 3.2).
SEQUENTIAL = frozenset(
    {"application/jsonl", "application/x-ndjson", "application/json-seq", "text/event-stream"}
    | {"application/jsonlines", "application/x-jsonlines", "multipart/mixed"}
)
# What a method returns when the spec declares no response: the JSON body as it is, None when empty.
UNDECLARED = Response(kind="json", annotation="Any", parser="lambda body: _runtime.parse_json(body) if body else None")


def success_response(ctx: LowerContext, operation: dict[str, Any], where: Origin, name: str) -> Response:
    nothing = Response(kind="none", annotation="None", parser="_runtime.parse_none")
    responses = operation.get("responses")
    if responses is None or responses == {}:
        if responses is not None or ctx.version == (3, 0):  # optional since 3.1, never empty
            ctx.problems.warning(
                "the operation declares no response; its method returns the JSON body as it is (None when empty)",
                where.child("responses") if responses is not None else where,
                "declare the success response, e.g. `'200': {description: ..., content: ...}`",
            )
        return UNDECLARED
    if not isinstance(responses, dict):
        ctx.problems.error(
            "`responses` must be a mapping of status codes",
            where.child("responses"),
            "map each status to its response: `responses: {'200': {description: OK}}`",
        )
        return nothing
    for code in responses:
        if not STATUS_KEY.fullmatch(str(code)):
            ctx.problems.error(
                f"{str(code)!r:.60} is not a status code",
                where.child("responses", str(code)),
                "use a code (`200`), a range (`2XX`) or `default`",
            )
    by_code = {str(code): answer for code, answer in responses.items() if STATUS_KEY.fullmatch(str(code))}
    # Every 2xx is a possible answer; with none declared, `default` describes success too.
    success = sorted(code for code in by_code if code.startswith("2")) or [c for c in by_code if c.lower() == "default"]
    bodies: list[tuple[str, str, dict[str, Any]]] = []  # (status code, media type, media object)
    streams: list[tuple[str, str, dict[str, Any]]] = []  # the same, of event streams
    misplaced: list[Origin] = []  # media types that are no stream but carry `x-stream`
    empty = False  # some success has no body (a 204 beside a 200)
    for code in success:
        answer = by_code[code]
        content = answer.get("content") if isinstance(answer, dict) else None
        if isinstance(content, dict):
            content = media_types(ctx, content, ctx.origin(answer, where.child("responses", code)).child("content"))
        if not isinstance(content, dict) or not content:
            empty = True
            continue
        plain: dict[str, dict[str, Any]] = {}
        for media_type, media in content.items():
            media = media if isinstance(media, dict) else {}
            if stream_format(str(media_type)) is not None:
                streams.append((code, str(media_type), media))
                continue
            plain[str(media_type)] = media
            if "x-stream" in media:
                misplaced.append(where.child("responses", code, "content", str(media_type)))
        if plain:
            media_type = next((m for m in plain if "json" in m), next(iter(plain)))
            bodies.append((code, media_type, plain[media_type]))
    stream = _event_stream(ctx, operation, where, streams, name) if streams else None
    misplaced_x_stream(ctx, operation if stream is None else {}, where, misplaced)
    if not bodies:
        if stream is None:
            return nothing
        return Response(
            kind="stream",
            annotation=stream.item_annotation,
            parser=stream.item_parser,
            media_type=stream.media_type,
            model=stream.item_model,
            stream=stream,
        )
    media_type, media = bodies[0][1], bodies[0][2]
    if "json" not in media_type:
        if media_type.startswith("text/"):
            return Response("text", "str", "_runtime.parse_text", media_type=media_type, stream=stream)
        return Response("binary", "bytes", "_runtime.parse_bytes", media_type=media_type, stream=stream)
    schemas = _json_schemas(ctx, bodies, where, name)
    annotation, parser, model = json_parser(ctx, schemas)
    if empty:  # an empty body (a 204) is None, any other is parsed (leniently too: a runtime parser)
        parser = (
            f"{parser[:-1]}, empty=True)"
            if parser.startswith(("_runtime.json_parser(", "_runtime.model_parser("))
            else "lambda body: _runtime.parse_json(body) if body else None"
        )
        annotation = union([annotation, "None"])
    return Response(
        kind="json",
        annotation=annotation,
        parser=parser,
        media_type=media_type,
        model=model,
        example=response_example(media),
        stream=stream,
        schema=schemas[0] if len(schemas) == 1 else None,
    )


def response_example(media: dict[str, Any]) -> Any:
    """The media type's `example`, else the value of its first named example (`examples`)."""
    if "example" in media:
        return media["example"]
    examples = media.get("examples")
    for example in examples.values() if isinstance(examples, dict) else ():
        if isinstance(example, dict) and "value" in example:
            return example["value"]
    return None


def _event_stream(
    ctx: LowerContext,
    operation: dict[str, Any],
    where: Origin,
    streams: list[tuple[str, str, dict[str, Any]]],
    name: str,
) -> EventStream:
    """The event stream among the 2xx bodies (server-sent events first) and the type of its items."""
    code, media_type, media = next((found for found in streams if stream_format(found[1]) == "sse"), streams[0])
    fmt = stream_format(media_type)
    assert fmt is not None
    media_where = where.child("responses", code, "content", media_type)
    terminator, error_event = stream_options(ctx, operation, where, media, media_where, fmt)
    raw = item_schema(ctx, media, fmt)
    if text_items(raw, fmt):
        annotation, parser, model = "str", "_runtime.parse_text", None
    elif raw is None:
        annotation, parser, model = "Any", "_runtime.parse_json", None
    else:
        schema_where = media_where.child("itemSchema" if "itemSchema" in media else "schema")
        schema = ctx.local_schema(raw, pascal(name) + "Event", schema_where)
        annotation, parser, model = json_parser(ctx, [schema])
    return EventStream(fmt, media_type, annotation, parser, model, terminator, error_event)


def _json_schemas(
    ctx: LowerContext, bodies: list[tuple[str, str, dict[str, Any]]], where: Origin, name: str
) -> list[Any]:
    """Each distinct schema of a JSON success: the first hoisted as `<Method>Response`, the others
    as `<Method>Response<code>`; the method returns their union."""
    schemas: list[Any] = []
    seen: list[Any] = []
    for code, media_type, media in bodies:
        raw = media.get("schema")
        if "json" not in media_type or raw in seen:
            continue
        seen.append(raw)
        suffix = pascal(code) if schemas else ""
        schemas.append(ctx.local_schema(raw, pascal(name) + "Response" + suffix, where.child("responses", code)))
    return schemas


def json_parser(ctx: LowerContext, schemas: list[Any]) -> tuple[str, str, str | None]:
    """(annotation, parser expression, model class returned as it is) for JSON success bodies."""
    annotation = union([ctx.types.annotation(schema) for schema in schemas])
    model = ref_name(schemas[0]) if len(schemas) == 1 and isinstance(schemas[0], dict) else None
    if model is not None and model in ctx.schemas and ctx.types.is_class(model):
        return annotation, model_parser(model), model
    if model is not None and model in ctx.schemas:
        # A type alias (a union, an array, ...): validated as written (discriminator and all); a union
        # of models is annotated with its members, which a reader sees at once.
        shown = _union_members(ctx, model) or annotation
        return shown, f"_runtime.json_parser(lambda: pydantic.TypeAdapter[{shown}]({MODELS}.{model}))", None
    parser = (
        f"_runtime.json_parser(lambda: pydantic.TypeAdapter({annotation}))"
        if annotation != "Any"
        else "_runtime.parse_json"
    )
    return annotation, parser, None


def _union_members(ctx: LowerContext, name: str | None) -> str | None:
    """`A | B` for a component that is only a union of models (and maybe null), else None."""
    schema = ctx.schemas.get(name) if name is not None else None
    if not isinstance(schema, dict) or set(schema) - {"oneOf", "anyOf", "discriminator", "title", "description"}:
        return None
    variants = schema.get("oneOf") or schema.get("anyOf")
    if not isinstance(variants, list) or len(variants) < 2:
        return None
    if not all(isinstance(v, dict) and (ref_name(v) is not None or v.get("type") == "null") for v in variants):
        return None
    return ctx.types.annotation(schema)


def model_parser(name: str) -> str:
    """The parser of a body that is a model class."""
    return f"_runtime.model_parser(lambda: {MODELS}.{name})"


def body_parser(ctx: LowerContext, name: str) -> str:
    """The parser of a body that is component `name`: its class, or a `TypeAdapter` of its alias."""
    if ctx.types.is_class(name):
        return model_parser(name)
    return f"_runtime.json_parser(lambda: pydantic.TypeAdapter[{MODELS}.{name}]({MODELS}.{name}))"


def error_models(ctx: LowerContext, operation: dict[str, Any], name: str) -> tuple[tuple[int | str, str, str], ...]:
    """Status code (or `4XX`, `5XX`, `default`) -> the component of each error response with a JSON
    body, and its parser; an inline schema is hoisted as `<Method>Error<code>`."""
    found: list[tuple[int | str, str, str]] = []
    responses = operation.get("responses")
    if not isinstance(responses, dict):
        return ()
    for raw_code, response in responses.items():
        text = str(raw_code).upper()
        code: int | str
        if text.isdigit() and int(text) >= 400:
            code = int(text)
        elif text in ("4XX", "5XX") or (text == "DEFAULT" and _has_success(responses)):
            code = text.lower() if text == "DEFAULT" else text
        else:
            continue
        if not isinstance(response, dict):
            continue
        content = response.get("content")
        if not isinstance(content, dict):
            continue
        at = ctx.origin(response, ctx.top.child("paths")).child("content")
        for media_type, media in media_types(ctx, content, at).items():
            if "json" in media_type and isinstance(media, dict) and isinstance(media.get("schema"), dict):
                schema = ctx.local_schema(
                    media["schema"], f"{pascal(name)}Error{pascal(str(code))}", ctx.top.child("paths")
                )
                cls = ref_name(schema) if isinstance(schema, dict) else None
                if cls is not None and cls in ctx.schemas:
                    found.append((code, cls, body_parser(ctx, cls)))
                break
    # Exact codes first, then the ranges, then `default`: the order the runtime looks them up in.
    return tuple(sorted(found, key=lambda item: (isinstance(item[0], str), str(item[0]))))


def _has_success(responses: dict[Any, Any]) -> bool:
    """`default` describes errors only when a 2xx is declared beside it (else it is the success)."""
    return any(str(code).startswith("2") for code in responses)
