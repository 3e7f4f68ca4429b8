"""An operation's `responses` -> the `Response` its method returns (annotation and parser of the
success bodies) and the model class of each JSON error response."""

from __future__ import annotations

from typing import Any

from ..errors import Origin
from ..ir import Response
from ..naming import pascal
from .context import LowerContext
from .typemap import MODELS, ref_name, union


def success_response(ctx: LowerContext, operation: dict[str, Any], where: Origin, name: str) -> Response:
    nothing = Response(kind="none", annotation="None", parser="_runtime.parse_none")
    responses = operation.get("responses")
    if not isinstance(responses, dict) or not responses:
        ctx.problems.error("an operation needs `responses`", where.child("responses"), "add at least a 200 response")
        return nothing
    by_code = {str(code): answer for code, answer in responses.items()}  # YAML may give int keys
    # Every 2xx is a possible answer; with none declared, `default` describes success too.
    success = sorted(code for code in by_code if code.startswith("2")) or (["default"] if "default" in by_code else [])
    bodies: list[tuple[str, str, dict[str, Any]]] = []  # (status code, media type, media object)
    empty = False  # some success has no body (a 204 beside a 200)
    for code in success:
        answer = by_code[code]
        content = answer.get("content") if isinstance(answer, dict) else None
        if not isinstance(content, dict) or not content:
            empty = True
            continue
        media_type = str(next((m for m in content if "json" in str(m)), next(iter(content))))
        media = content[media_type] if isinstance(content[media_type], dict) else {}
        bodies.append((code, media_type, media))
    if not bodies:
        return nothing
    media_type, media = bodies[0][1], bodies[0][2]
    if "json" not in media_type:
        if media_type.startswith("text/"):
            return Response(kind="text", annotation="str", parser="_runtime.parse_text", media_type=media_type)
        return Response(kind="binary", annotation="bytes", parser="_runtime.parse_bytes", media_type=media_type)
    schemas = _json_schemas(ctx, bodies, where, name)
    annotation, parser, model = _json_parser(ctx, schemas)
    if empty:  # an empty body (a 204) is None, any other is parsed
        parse = (
            f"{MODELS}.{model}.model_validate_json(body)"
            if model is not None
            else f"{parser}(body)"
            if parser.startswith("_runtime.root_parser")
            else f"pydantic.TypeAdapter({annotation}).validate_json(body)"
            if annotation != "Any"
            else "_runtime.parse_json(body)"
        )
        annotation = union([annotation, "None"])
        parser = f"lambda body: {parse} if body else None"
    return Response(
        kind="json",
        annotation=annotation,
        parser=parser,
        media_type=media_type,
        model=model,
        example=media.get("example"),
        schema=schemas[0] if len(schemas) == 1 else None,
    )


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


def _json_parser(ctx: LowerContext, schemas: list[Any]) -> tuple[str, str, str | None]:
    """(annotation, parser expression, model class returned as it is) for JSON success bodies."""
    annotation = union([ctx.types.annotation(schema) for schema in schemas])
    model = ref_name(schemas[0]) if len(schemas) == 1 and isinstance(schemas[0], dict) else None
    union_members = _union_members(ctx, model)
    if model is not None and model in ctx.schemas and not _is_root_model(ctx, model):
        return annotation, f"_runtime.model_parser(lambda: {MODELS}.{model})", model
    if model is not None and union_members is not None:
        # A union model: validated by its class (discriminator and all), returned unwrapped.
        return union_members, f"_runtime.root_parser(lambda: {MODELS}.{model})", None
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


def _is_root_model(ctx: LowerContext, name: str) -> bool:
    schema = ctx.schemas.get(name)
    if not isinstance(schema, dict):
        return True
    return (
        schema.get("type") not in (None, "object") or "enum" in schema or any(k in schema for k in ("anyOf", "oneOf"))
    )


def error_models(ctx: LowerContext, operation: dict[str, Any], name: str) -> tuple[tuple[int | str, str], ...]:
    """Status code (or `4XX`, `5XX`, `default`) -> model class of each error response with a JSON
    object body; an inline schema is hoisted as `<Method>Error<code>`."""
    found: list[tuple[int | str, str]] = []
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
        for media_type, media in content.items():
            if "json" in media_type and isinstance(media, dict) and isinstance(media.get("schema"), dict):
                schema = ctx.local_schema(
                    media["schema"], f"{pascal(name)}Error{pascal(str(code))}", ctx.top.child("paths")
                )
                cls = ref_name(schema) if isinstance(schema, dict) else None
                if cls is not None and cls in ctx.schemas:
                    found.append((code, cls))
                break
    # Exact codes first, then the ranges, then `default`: the order the runtime looks them up in.
    return tuple(sorted(found, key=lambda item: (isinstance(item[0], str), str(item[0]))))


def _has_success(responses: dict[Any, Any]) -> bool:
    """`default` describes errors only when a 2xx is declared beside it (else it is the success)."""
    return any(str(code).startswith("2") for code in responses)
